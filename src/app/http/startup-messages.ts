import type { AppConfig } from '../config/app.config';
import type { MailConfig } from '../config/mail.config';
import { DEV_MAILBOX_PATH, devMailboxEnabled } from '../dev-mailbox/dev-mailbox.availability';

/** What `main.ts` logs once the service listens: where it is, and the pages a developer opens. */
export function startupMessages(
  port: number,
  app: Pick<AppConfig, 'isProduction' | 'swaggerEnabled'>,
  mail: Pick<MailConfig, 'transport'>,
): string[] {
  const origin = `http://localhost:${port}`;
  const messages = [`Listening on ${origin}${app.swaggerEnabled ? ' (Swagger UI at /docs)' : ''}`];
  if (devMailboxEnabled(app, mail)) messages.push(`Dev mailbox: ${origin}${DEV_MAILBOX_PATH}`);
  return messages;
}
