import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DataSource, DataSourceOptions, IsNull, LessThanOrEqual, Or } from 'typeorm';
import { UserAccount } from '../../src/accounts/user-account.entity';
import { EmailKind, EmailStatus, QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { LoginFailure } from '../../src/limits/per-address/login-failure.entity';
import { ResetEmailCooldown } from '../../src/limits/per-address/reset-email-cooldown.entity';
import {
  accountEntities,
  accountMigrations,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../src/schema';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { newEmail } from '../support/factories';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

type Schema = Pick<DataSourceOptions, 'entities' | 'migrations'>;

/** The built-in accounts' host: both lists. */
const withAccounts: Schema = {
  entities: [...passwordResetEntities, ...accountEntities],
  migrations: [...passwordResetMigrations, ...accountMigrations],
};

/** A host with users of its own: the module's lists only. */
const moduleOnly: Schema = {
  entities: passwordResetEntities,
  migrations: passwordResetMigrations,
};

/** Far from UTC, 45 minutes off the hour, and with daylight saving (as is the process's below). */
const SESSION_TIME_ZONE = 'Pacific/Chatham';
const PROCESS_TIME_ZONE = 'America/St_Johns';

/** Newfoundland's clocks jump from 02:00 to 03:00 at this instant: no local wall time matches it. */
const AT_DST_GAP = new Date('2025-03-09T05:30:00.123Z');
const isoAt = (offsetMs: number) => new Date(AT_DST_GAP.getTime() + offsetMs).toISOString();

const ROOT = join(__dirname, '..', '..');

/** What `support/stored-times.probe.ts` saw (instants as ISO strings). */
interface StoredTimesReport {
  processOffsetMinutes: number;
  sessionTimeZone?: string;
  upgraded: Record<string, (string | null)[]>;
  diffAfterUpgrade: string[];
  services: Record<string, unknown>;
  reverted: {
    user: unknown[];
    queued: unknown[];
    expected: { user: unknown[]; queued: unknown[] };
  };
}

/**
 * Runs the probe against a fresh database in a process of its own: a Jest worker's `process.env`
 * is a copy, so setting TZ there never reaches Node's clock.
 */
function probeStoredTimes(database: TestDatabase): StoredTimesReport {
  const run = spawnSync(
    process.execPath,
    [
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      join(__dirname, 'support', 'stored-times.probe.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        TZ: PROCESS_TIME_ZONE,
        PROBE_DATABASE_URL: database.url,
        PROBE_SESSION_TIME_ZONE: SESSION_TIME_ZONE,
      },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (run.status !== 0) throw new Error(`The probe failed: ${run.stderr || String(run.error)}`);
  return JSON.parse(run.stdout) as StoredTimesReport;
}

/** A host's own connection, as its TypeORM CLI data source would open it. */
function connect(
  database: TestDatabase,
  schema: Schema,
  options: { synchronize?: boolean; sessionTimeZone?: string } = {},
): DataSource {
  const synchronize = options.synchronize ?? false;
  if (database.kind === 'postgres') {
    const extra = options.sessionTimeZone
      ? { options: `-c TimeZone=${options.sessionTimeZone}` }
      : undefined;
    return new DataSource({ ...schema, type: 'postgres', url: database.url, synchronize, extra });
  }
  const file = database.url.slice('sqlite:'.length);
  return new DataSource({ ...schema, type: 'better-sqlite3', database: file, synchronize });
}

/** What `migration:generate` (or `synchronize`) would run: TypeORM's own schema diff. */
async function schemaDiff(dataSource: DataSource): Promise<string[]> {
  const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
  return upQueries.map((query) => query.query);
}

const hex64 = () => randomBytes(32).toString('hex');

describe.each(databaseKinds())('Entities and migrations (%s)', (kind) => {
  let database: TestDatabase;
  const open: DataSource[] = [];

  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });

  afterEach(async () => {
    for (const dataSource of open.splice(0)) {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
    await database.drop();
  });

  async function opened(schema: Schema, options?: Parameters<typeof connect>[2]) {
    const dataSource = connect(database, schema, options);
    open.push(dataSource);
    await dataSource.initialize();
    return dataSource;
  }

  async function migrated(schema: Schema, options?: Parameters<typeof connect>[2]) {
    const dataSource = await opened(schema, options);
    await dataSource.runMigrations();
    return dataSource;
  }

  /** One row in each table, through the entities. */
  async function storeRows(dataSource: DataSource) {
    const at = (offsetMs: number) => new Date(AT_DST_GAP.getTime() + offsetMs);
    const user = dataSource.getRepository(UserAccount).create({
      id: randomUUID(),
      email: newEmail(),
      passwordHash: 'hash',
      tokenVersion: 3,
      createdAt: at(-86_400_001),
      updatedAt: at(-1),
      passwordChangedAt: at(-2),
      locale: 'de-AT',
      timeZone: 'Europe/Vienna',
    });
    const token = dataSource.getRepository(PasswordResetToken).create({
      id: randomUUID(),
      userId: user.id,
      tokenHash: hex64(),
      expiresAt: at(3_600_000),
      createdAt: at(0),
      codeHash: hex64(),
      codeExpiresAt: at(600_000),
      codeAttempts: 2,
    });
    const email = dataSource.getRepository(QueuedEmail).create({
      id: randomUUID(),
      kind: EmailKind.PasswordReset,
      email: newEmail(),
      status: EmailStatus.Pending,
      attempts: 2,
      nextAttemptAt: at(7),
      claimedUntil: null,
      claimId: null,
      lastError: 'timeout',
      createdAt: at(-5),
      processedAt: null,
      locale: 'de-AT',
      timeZone: 'Europe/Vienna',
    });
    const cooldown = dataSource.getRepository(ResetEmailCooldown).create({
      keyHash: hex64(),
      cooldownUntil: at(60_000),
      dayStartedAt: at(-999),
      dayCount: 4,
    });
    const failure = dataSource.getRepository(LoginFailure).create({
      keyHash: hex64(),
      addressKey: hex64(),
      failures: 5,
      windowStartedAt: at(-30_000),
      lockedUntil: at(900_001),
    });
    await dataSource.getRepository(UserAccount).insert(user);
    await dataSource.getRepository(PasswordResetToken).insert(token);
    await dataSource.getRepository(QueuedEmail).insert(email);
    await dataSource.getRepository(ResetEmailCooldown).insert(cooldown);
    await dataSource.getRepository(LoginFailure).insert(failure);
    return { user, token, email, cooldown, failure };
  }

  async function readRows(dataSource: DataSource, rows: Awaited<ReturnType<typeof storeRows>>) {
    return {
      user: await dataSource.getRepository(UserAccount).findOneBy({ id: rows.user.id }),
      token: await dataSource.getRepository(PasswordResetToken).findOneBy({ id: rows.token.id }),
      email: await dataSource.getRepository(QueuedEmail).findOneBy({ id: rows.email.id }),
      cooldown: await dataSource
        .getRepository(ResetEmailCooldown)
        .findOneBy({ keyHash: rows.cooldown.keyHash }),
      failure: await dataSource
        .getRepository(LoginFailure)
        .findOneBy({ keyHash: rows.failure.keyHash }),
    };
  }

  it('should leave TypeORM no schema diff after passwordResetMigrations and accountMigrations', async () => {
    expect(await schemaDiff(await migrated(withAccounts))).toEqual([]);
  });

  it('should leave TypeORM no schema diff after passwordResetMigrations alone (host users)', async () => {
    expect(await schemaDiff(await migrated(moduleOnly))).toEqual([]);
  });

  it("should add the queue's locale and time zone columns, and take them out again on revert", async () => {
    const dataSource = await migrated(moduleOnly);
    const queued = dataSource.getRepository(QueuedEmail);
    const id = randomUUID();
    await queued.insert(
      queued.create({
        id,
        kind: EmailKind.PasswordChanged,
        email: newEmail(),
        status: EmailStatus.Pending,
        nextAttemptAt: AT_DST_GAP,
        createdAt: AT_DST_GAP,
        locale: 'de',
        timeZone: 'Europe/Berlin',
      }),
    );
    const columns = async () =>
      (await dataSource.createQueryRunner().getTable('account_email_queue'))!.columns
        .filter((column) => ['locale', 'time_zone'].includes(column.name))
        .map(({ name, type, length, isNullable }) => ({ name, type, length, isNullable }));
    const varchar = kind === 'postgres' ? 'character varying' : 'varchar';
    expect(await columns()).toEqual([
      { name: 'locale', type: varchar, length: '35', isNullable: true },
      { name: 'time_zone', type: varchar, length: '64', isNullable: true },
    ]);

    // The reset codes' migration came after it.
    await dataSource.undoLastMigration();
    await dataSource.undoLastMigration();

    expect(await columns()).toEqual([]);
    const [kept] = await dataSource.query<{ id: string }[]>('SELECT id FROM account_email_queue');
    expect(kept.id).toBe(id);
    await dataSource.runMigrations();
    expect(await schemaDiff(dataSource)).toEqual([]);
  });

  it("should add the links' code columns and the code failures table, and take them out again on revert", async () => {
    const dataSource = await migrated(moduleOnly);
    const codeColumns = async () =>
      (await dataSource.createQueryRunner().getTable('password_reset_tokens'))!.columns
        .filter((column) => column.name.startsWith('code_'))
        .map(({ name, isNullable }) => ({ name, isNullable }));
    expect(await codeColumns()).toEqual([
      { name: 'code_hash', isNullable: true },
      { name: 'code_expires_at', isNullable: true },
      { name: 'code_attempts', isNullable: false },
    ]);
    expect(await dataSource.createQueryRunner().hasTable('reset_code_failures')).toBe(true);

    await dataSource.undoLastMigration();

    expect(await codeColumns()).toEqual([]);
    expect(await dataSource.createQueryRunner().hasTable('reset_code_failures')).toBe(false);
    await dataSource.runMigrations();
    expect(await schemaDiff(dataSource)).toEqual([]);
  });

  it('should start with synchronize: true over a migrated database and keep its rows', async () => {
    const first = await migrated(withAccounts);
    const rows = await storeRows(first);
    await first.destroy();

    const synchronized = await opened(withAccounts, { synchronize: true });

    expect(await readRows(synchronized, rows)).toEqual(rows);
  });

  it(`should keep every instant exact with the process in ${PROCESS_TIME_ZONE} and the session in ${SESSION_TIME_ZONE}`, () => {
    const report = probeStoredTimes(database);

    // Node applies TZ (-02:30 in July); PostgreSQL took the session's zone.
    expect(report.processOffsetMinutes).toBe(150);
    if (kind === 'postgres') expect(report.sessionTimeZone).toBe(SESSION_TIME_ZONE);
    // Rows the released migrations held, converted to the same instants, and no diff left.
    const [created, expires, due] = [-86_400_000, 0, 1].map(isoAt);
    expect(report.upgraded).toEqual({
      user: [created, expires, due],
      token: [expires, created],
      queued: [due, created, null],
    });
    expect(report.diffAfterUpgrade).toEqual([]);
    // The services' statements compare to the millisecond, in another zone than they wrote in.
    expect(report.services).toEqual({
      expiresAt: expires,
      liveJustBefore: expires,
      liveAtExpiry: null,
      claimedJustBefore: 0,
      claimedAtDue: [expires],
      consumedAtExpiry: null,
      consumedJustBefore: report.services.consumedJustBefore,
    });
    expect(report.services.consumedJustBefore).toEqual(expect.any(String));
    // Reverted, the released columns hold the same instants again.
    expect(report.reverted.user).toEqual(report.reverted.expected.user);
    expect(report.reverted.queued).toEqual(report.reverted.expected.queued);
  });

  it('should purge by stored times exactly, through find operators as TypeORM passes them', async () => {
    const dataSource = await migrated(moduleOnly, { sessionTimeZone: SESSION_TIME_ZONE });
    const failures = dataSource.getRepository(LoginFailure);
    const row = (lockedUntil: Date | null) =>
      failures.create({
        keyHash: hex64(),
        addressKey: hex64(),
        failures: 1,
        windowStartedAt: new Date(AT_DST_GAP.getTime() - 1),
        lockedUntil,
      });
    const unlocked = row(null);
    const ranOut = row(AT_DST_GAP);
    const stillLocked = row(new Date(AT_DST_GAP.getTime() + 1));
    await failures.insert([unlocked, ranOut, stillLocked]);

    // The lockout purge's own criteria (a delete hands them to the column unconverted).
    const result = await failures.delete({
      windowStartedAt: LessThanOrEqual(new Date(AT_DST_GAP.getTime() - 1)),
      lockedUntil: Or(IsNull(), LessThanOrEqual(AT_DST_GAP)),
    });

    expect(result.affected).toBe(2);
    expect(await failures.find()).toEqual([stillLocked]);
  });
});
