import { getConfigToken } from '@nestjs/config';
import { resolve } from 'node:path';
import { Secret } from '../../common/secret';
import type { PasswordResetSettings } from '../../password-reset.options';
import { readDkimPrivateKey } from './dkim-private-key';
import type { EnvironmentVariables } from './environment';

/** DKIM signing of every outgoing message, in nodemailer's terms. */
export interface DkimConfig {
  /** The `d=` domain: the sender's domain, or one it is aligned with. */
  domainName: string;
  /** The `s=` selector: the public key is the TXT record of `<selector>._domainkey.<domain>`. */
  keySelector: string;
  /** The RSA private key, PEM. */
  privateKey: Secret;
}

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
  /** Set when DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY are (validation allows all or none). */
  dkim?: DkimConfig;
}

/** The `mail` namespace: `@Inject(MAIL_CONFIG) config: MailConfig`, or `ConfigService.get('mail')`. */
export const MAIL_CONFIG = getConfigToken('mail');

/**
 * The service's mailer, from its variables and the module's settings (the product name of the
 * default sender, and one pooled connection per concurrent send).
 */
export function mailConfigFrom(
  env: EnvironmentVariables,
  settings: PasswordResetSettings,
): MailConfig {
  return {
    from: env.MAIL_FROM ?? `"${settings.appName}" <no-reply@localhost>`,
    transport: env.SMTP_HOST
      ? {
          kind: 'smtp',
          host: env.SMTP_HOST,
          port: env.SMTP_PORT,
          secure: env.SMTP_SECURE,
          requireTls: env.SMTP_REQUIRE_TLS ?? (env.NODE_ENV === 'production' && !env.SMTP_SECURE),
          poolSize: settings.delivery.concurrentSends,
          timeoutMs: env.SMTP_TIMEOUT_SECONDS * 1000,
          user: env.SMTP_USER,
          password: env.SMTP_PASSWORD === undefined ? undefined : new Secret(env.SMTP_PASSWORD),
        }
      : { kind: 'dev-mailbox', dir: resolve(env.MAIL_DEV_DIR) },
    dkim:
      env.DKIM_DOMAIN && env.DKIM_SELECTOR && env.DKIM_PRIVATE_KEY
        ? {
            domainName: env.DKIM_DOMAIN,
            keySelector: env.DKIM_SELECTOR,
            privateKey: new Secret(readDkimPrivateKey(env.DKIM_PRIVATE_KEY)),
          }
        : undefined,
  };
}
