import type { MailerOptions } from '@nestjs-modules/mailer';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { SmtpTestServer } from '../../support/smtp-test-server';
import type { TestDatabase } from '../../support/test-database';

/** A host's own TypeORM connection to a test database; entities and migrations are the host's. */
export function hostConnection(
  database: TestDatabase,
  schema: Pick<TypeOrmModuleOptions, 'entities' | 'migrations'>,
): TypeOrmModuleOptions {
  const common = {
    ...schema,
    migrationsRun: true,
    synchronize: false,
    logging: false,
    // Fail at once rather than retry for half a minute: a test host's database is right here.
    retryAttempts: 0,
  } as const;
  if (database.kind === 'postgres') return { ...common, type: 'postgres', url: database.url };
  return { ...common, type: 'better-sqlite3', database: database.url.slice('sqlite:'.length) };
}

/**
 * A host's mailer: plain SMTP to the test server (which offers no TLS), no template options at all.
 * Without a server, nodemailer's JSON transport (nothing leaves the process).
 */
export function hostMailer(smtp?: SmtpTestServer): MailerOptions {
  const defaults = { from: '"Host Identity" <no-reply@host.example>' };
  if (!smtp) return { transport: { jsonTransport: true }, defaults };
  const env = smtp.env();
  return {
    transport: {
      host: env.SMTP_HOST,
      port: Number(env.SMTP_PORT),
      secure: false,
      ignoreTLS: true,
      auth: { user: env.SMTP_USER, pass: env.SMTP_PASSWORD },
    },
    defaults,
  };
}
