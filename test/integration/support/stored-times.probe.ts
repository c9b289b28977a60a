/**
 * Stores and compares timestamps in a process of its own, because a Jest worker cannot change its
 * own time zone. `TZ` is this process's zone, `PROBE_DATABASE_URL` a fresh test database (`sqlite:`
 * file or PostgreSQL), `PROBE_SESSION_TIME_ZONE` PostgreSQL's session zone. Prints what it saw as JSON
 * for `schema-diff.int-spec.ts` to check.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, DataSourceOptions } from 'typeorm';
import { UserAccount } from '../../../src/accounts/user-account.entity';
import { PasswordResetSchema1765000000000 } from '../../../src/database/migrations/1765000000000-password-reset-schema';
import { AccountSchema1765000000001 } from '../../../src/database/migrations/1765000000001-account-schema';
import { EmailQueueLiveEmailIndex1765000000002 } from '../../../src/database/migrations/1765000000002-email-queue-live-email-index';
import { UnitOfWork } from '../../../src/database/unit-of-work';
import { EmailQueueService } from '../../../src/email-queue/email-queue.service';
import { EmailKind, EmailStatus, QueuedEmail } from '../../../src/email-queue/queued-email.entity';
import { AddressKeys } from '../../../src/limits/per-address/address-keys';
import type { PasswordResetSettings } from '../../../src/password-reset.options';
import {
  accountEntities,
  accountMigrations,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../../src/schema';
import { PasswordResetToken } from '../../../src/tokens/password-reset-token.entity';
import { ResetTokensService } from '../../../src/tokens/reset-tokens.service';

/** Newfoundland's clocks jump from 02:00 to 03:00 at this instant: no local wall time matches it. */
const AT_DST_GAP = new Date('2025-03-09T05:30:00.123Z');

const url = process.env.PROBE_DATABASE_URL ?? '';
const isPostgres = url.startsWith('postgres');

function connect(schema: Pick<DataSourceOptions, 'entities' | 'migrations'>): DataSource {
  if (!isPostgres) {
    return new DataSource({ ...schema, type: 'better-sqlite3', database: url.slice(7) });
  }
  const extra = { options: `-c TimeZone=${process.env.PROBE_SESSION_TIME_ZONE}` };
  return new DataSource({ ...schema, type: 'postgres', url, extra });
}

const p = (n: number) => (isPostgres ? `$${n}` : '?');
const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
/** As the released code bound a date: a Date for node-postgres (local time and offset), UTC text on SQLite. */
const bind = (date: Date): unknown =>
  isPostgres ? date : date.toISOString().slice(0, 23).replace('T', ' ');
/** A raw value of a released timestamp column, for comparison. */
const raw = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/** The migrations of the release before timestamps became epoch milliseconds. */
const oldMigrations = [
  PasswordResetSchema1765000000000,
  AccountSchema1765000000001,
  EmailQueueLiveEmailIndex1765000000002,
];

const moments = {
  created: new Date(AT_DST_GAP.getTime() - 86_400_000),
  expires: AT_DST_GAP,
  due: new Date(AT_DST_GAP.getTime() + 1),
};

async function main(): Promise<void> {
  const report: Record<string, unknown> = {
    processOffsetMinutes: new Date('2025-07-01T00:00:00Z').getTimezoneOffset(),
  };

  // Rows as the released migrations and code stored them.
  const old = connect({ migrations: oldMigrations });
  await old.initialize();
  await old.runMigrations();
  if (isPostgres) report.sessionTimeZone = (await old.query('SHOW TimeZone'))[0].TimeZone;
  const userId = randomUUID();
  const queuedId = randomUUID();
  await old.query(
    `INSERT INTO users (id, email, password_hash, token_version, created_at, updated_at, ` +
      `password_changed_at) VALUES (${p(1)}, 'u@example.com', 'hash', 0, ${p(2)}, ${p(3)}, ${p(4)})`,
    [userId, bind(moments.created), bind(moments.expires), bind(moments.due)],
  );
  await old.query(
    `INSERT INTO password_reset_tokens (id, user_id, token_hash, expires_at, created_at) ` +
      `VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
    [
      randomUUID(),
      userId,
      randomBytes(32).toString('hex'),
      bind(moments.expires),
      bind(moments.created),
    ],
  );
  await old.query(
    `INSERT INTO account_email_queue (id, kind, email, status, attempts, next_attempt_at, ` +
      `created_at) VALUES (${p(1)}, 'password_reset', 'a@example.com', 'pending', 0, ${p(2)}, ${p(3)})`,
    [queuedId, bind(moments.due), bind(moments.created)],
  );
  await old.destroy();

  // Upgraded, then read in another zone: a value kept in local time would move.
  const dataSource = connect({
    entities: [...passwordResetEntities, ...accountEntities],
    migrations: [...passwordResetMigrations, ...accountMigrations],
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  process.env.TZ = 'Asia/Kathmandu';
  const user = await dataSource.getRepository(UserAccount).findOneByOrFail({ id: userId });
  const token = await dataSource.getRepository(PasswordResetToken).findOneByOrFail({ userId });
  const queued = await dataSource.getRepository(QueuedEmail).findOneByOrFail({ id: queuedId });
  report.upgraded = {
    user: [user.createdAt, user.updatedAt, user.passwordChangedAt].map(iso),
    token: [token.expiresAt, token.createdAt].map(iso),
    queued: [queued.nextAttemptAt, queued.createdAt, queued.processedAt].map(iso),
  };
  report.diffAfterUpgrade = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map(
    (query) => query.query,
  );

  // The services' own statements, writing in one zone and comparing in another.
  process.env.TZ = 'America/St_Johns';
  const db = new UnitOfWork(dataSource);
  const settings = {
    tokenTtlMinutes: 30,
    resetCode: { enabled: true, ttlMinutes: 10 },
    addressKeySecret: { reveal: () => 'a probe secret of at least 32 characters' },
    delivery: { claimTimeoutSeconds: 60 },
  } as unknown as PasswordResetSettings;
  const tokens = new ResetTokensService(db, settings, new AddressKeys(settings));
  const queue = new EmailQueueService(db, settings);
  const issued = await tokens.issue(userId, new Date(AT_DST_GAP.getTime() - 30 * 60_000));
  await queue.record(EmailKind.PasswordReset, 'b@example.com', EmailStatus.Pending, AT_DST_GAP);
  process.env.TZ = 'Asia/Kathmandu';
  const justBefore = new Date(AT_DST_GAP.getTime() - 1);
  const live = await tokens.findLive(issued.token, justBefore);
  const claimedEarly = await queue.claimDue(10, justBefore);
  const claimed = await queue.claimDue(10, AT_DST_GAP);
  report.services = {
    expiresAt: iso(issued.expiresAt),
    liveJustBefore: iso(live?.expiresAt),
    liveAtExpiry: iso((await tokens.findLive(issued.token, AT_DST_GAP))?.expiresAt),
    claimedJustBefore: claimedEarly.length,
    claimedAtDue: claimed.map((row) => iso(row.createdAt)),
    consumedAtExpiry: await dataSource.transaction((m) => tokens.consume(live!.id, m, AT_DST_GAP)),
    consumedJustBefore: await dataSource.transaction((m) =>
      tokens.consume(live!.id, m, justBefore),
    ),
  };

  // Every migration since the released ones reverted: the released columns, holding the same instants.
  const released = new Set(oldMigrations.map((migration) => migration.name));
  const lastApplied = async () =>
    (await dataSource.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id DESC'))[0]
      .name;
  while (!released.has(await lastApplied())) await dataSource.undoLastMigration();
  const [revertedUser] = await dataSource.query(
    `SELECT created_at, updated_at, password_changed_at FROM users WHERE id = ${p(1)}`,
    [userId],
  );
  const [revertedQueued] = await dataSource.query(
    `SELECT next_attempt_at, created_at, processed_at FROM account_email_queue WHERE id = ${p(1)}`,
    [queuedId],
  );
  report.reverted = {
    user: Object.values(revertedUser).map(raw),
    queued: Object.values(revertedQueued).map(raw),
    expected: {
      user: [moments.created, moments.expires, moments.due].map((date) => raw(bind(date))),
      queued: [raw(bind(moments.due)), raw(bind(moments.created)), null],
    },
  };
  await dataSource.destroy();
  process.stdout.write(JSON.stringify(report));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
