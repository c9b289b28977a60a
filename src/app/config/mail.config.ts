import { registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import { Secret } from '../../common/secret';
import { loadEnvironment } from './environment';

/** How the standalone service's `MailerModule` sends: SMTP, or the dev mailbox outside production. */
export interface MailConfig {
  /** The mailer's default sender. */
  from: string;
  transport:
    | {
        kind: 'smtp';
        host: string;
        port: number;
        secure: boolean;
        /** Never send or authenticate without TLS (STARTTLS when not `secure`). */
        requireTls: boolean;
        /** Connections kept open and reused. */
        poolSize: number;
        /** Longest wait for a connection, the greeting, or the answer to a command. */
        timeoutMs: number;
        user?: string;
        password?: Secret;
      }
    | { kind: 'dev-mailbox'; dir: string };
}

export const mailConfig = registerAs('mail', (): MailConfig => {
  const env = loadEnvironment();
  return {
    from: env.MAIL_FROM ?? `"${env.APP_NAME}" <no-reply@localhost>`,
    transport: env.SMTP_HOST
      ? {
          kind: 'smtp',
          host: env.SMTP_HOST,
          port: env.SMTP_PORT,
          secure: env.SMTP_SECURE,
          requireTls: env.SMTP_REQUIRE_TLS ?? (env.NODE_ENV === 'production' && !env.SMTP_SECURE),
          poolSize: env.SMTP_POOL_SIZE,
          timeoutMs: env.SMTP_TIMEOUT_SECONDS * 1000,
          user: env.SMTP_USER,
          password: env.SMTP_PASSWORD === undefined ? undefined : new Secret(env.SMTP_PASSWORD),
        }
      : { kind: 'dev-mailbox', dir: resolve(env.MAIL_DEV_DIR) },
  };
});
