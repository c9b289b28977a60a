import type { AppConfig } from '../config/app.config';
import type { MailConfig } from '../config/mail.config';
import { DEV_MAILBOX_PATH, devMailboxEnabled } from '../dev-mailbox/dev-mailbox.availability';

/** The address the server is bound to, as `server.address()` gives it. */
export interface ListeningAddress {
  address: string;
  port: number;
}

const EVERY_INTERFACE = new Set(['::', '0.0.0.0']);

/** What `main.ts` logs once the service listens: where it is, and the pages a developer opens. */
export function startupMessages(
  { address, port }: ListeningAddress,
  app: Pick<AppConfig, 'isProduction' | 'swaggerEnabled'>,
  mail: Pick<MailConfig, 'transport'>,
): string[] {
  const everyInterface = EVERY_INTERFACE.has(address);
  const host = everyInterface ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  const origin = `http://${host}:${port}`;
  const where = everyInterface ? `every interface (${address})` : address;
  const messages = [
    `Listening on ${where}, port ${port}: ${origin}${app.swaggerEnabled ? ' (Swagger UI at /docs)' : ''}`,
  ];
  if (devMailboxEnabled(app, mail)) {
    messages.push(`Dev mailbox (this machine only): ${origin}${DEV_MAILBOX_PATH}`);
  }
  return messages;
}
