import { registerAs } from '@nestjs/config';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadEnvironment } from './environment';
import { Secret } from './secret';

/** SMTP settings, or the dev mailbox when no SMTP host is set outside production. */
export interface MailConfig {
  appName: string;
  from: string;
  subjects: { passwordReset: string; passwordChanged: string };
  templatesDir: string;
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

/**
 * The built service runs from `dist/` where the build copies `templates/` to `dist/templates`; the
 * sources (ts-jest, ts-node) sit one level deeper than the project root. Both resolve from here.
 */
export function defaultTemplatesDir(): string {
  const built = resolve(__dirname, '..', 'templates');
  return existsSync(built) ? built : resolve(__dirname, '..', '..', 'templates');
}

function withAppName(template: string, appName: string): string {
  return template.replace(/\{\{\s*appName\s*\}\}/g, appName);
}

export const mailConfig = registerAs('mail', (): MailConfig => {
  const env = loadEnvironment();
  const templatesDir = env.MAIL_TEMPLATES_DIR
    ? resolve(env.MAIL_TEMPLATES_DIR)
    : defaultTemplatesDir();
  if (!existsSync(join(templatesDir, 'password-reset.hbs'))) {
    throw new Error(`Mail templates not found in ${templatesDir} (set MAIL_TEMPLATES_DIR)`);
  }
  return {
    appName: env.APP_NAME,
    subjects: {
      passwordReset: withAppName(env.MAIL_RESET_SUBJECT, env.APP_NAME),
      passwordChanged: withAppName(env.MAIL_CHANGED_SUBJECT, env.APP_NAME),
    },
    from: env.MAIL_FROM ?? `"${env.APP_NAME}" <no-reply@localhost>`,
    templatesDir,
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
