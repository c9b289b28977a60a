import type { MailerOptions } from '@nestjs-modules/mailer';
import type { MailConfig } from '../config/mail.config';
import { DevMailboxTransport } from './dev-mailbox.transport';
import { noDelaySocket } from './no-delay-socket';

/**
 * Options for the standalone service's `MailerModule`: only a transport, a sender and DKIM, no
 * template settings (the module renders its own emails). This is the only place where the SMTP
 * password and the DKIM key are unwrapped.
 */
export function buildMailerOptions(config: MailConfig): MailerOptions {
  const transport =
    config.transport.kind === 'smtp'
      ? {
          host: config.transport.host,
          port: config.transport.port,
          secure: config.transport.secure,
          // Without it nodemailer falls back to plaintext when a server offers no STARTTLS.
          requireTLS: config.transport.requireTls,
          // Reuse logged-in connections: a new connection and AUTH per message cost more than the message.
          pool: true,
          maxConnections: config.transport.poolSize,
          auth:
            config.transport.user !== undefined
              ? { user: config.transport.user, pass: config.transport.password?.reveal() ?? '' }
              : undefined,
          // A claim on a queued email must outlive these (checked at start-up, SMTP_SEND_PHASES).
          connectionTimeout: config.transport.timeoutMs,
          greetingTimeout: config.transport.timeoutMs,
          socketTimeout: config.transport.timeoutMs,
          // Our own TCP connections, with Nagle's algorithm off (see noDelaySocket).
          getSocket: noDelaySocket,
        }
      : new DevMailboxTransport(config.transport.dir);
  const dkim = config.dkim && { ...config.dkim, privateKey: config.dkim.privateKey.reveal() };
  // DKIM as a default of every message rather than a transport option: nodemailer signs in its
  // mailer, whatever the transport, but a transport object such as the dev mailbox has no options to
  // carry it, and the mailbox's .eml files should be signed like the mail that leaves.
  return { transport, defaults: { from: config.from, ...(dkim ? { dkim } : {}) } };
}
