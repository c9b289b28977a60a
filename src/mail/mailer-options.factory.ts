import type { MailerOptions } from '@nestjs-modules/mailer';
import { HandlebarsAdapter } from '@nestjs-modules/mailer/adapters/handlebars.adapter';
import type { MailConfig } from '../config/mail.config';
import { DevMailboxTransport } from './transports/dev-mailbox.transport';

/**
 * Options for `MailerModule.forRootAsync` built from the typed mail config. This is the only place
 * where the SMTP password is unwrapped.
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
        }
      : new DevMailboxTransport(config.transport.dir);
  return {
    transport,
    defaults: { from: config.from },
    template: {
      dir: config.templatesDir,
      // Styles are written inline in the templates already; the adapter's inliner is not needed.
      adapter: new HandlebarsAdapter(undefined, { inlineCssEnabled: false }),
      options: { strict: true },
    },
    options: { layout: 'layout' },
  };
}
