import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { UserAccount } from '../../src/accounts/user-account.entity';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { databaseConfigFrom } from '../../src/app/config/database.config';
import { EnvironmentVariables } from '../../src/app/config/environment';
import { buildDataSourceOptions } from '../../src/app/database/data-source-options';
import { newEmail } from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

describe.each(databaseKinds())('Schema and migrations (%s)', (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let dataSource: DataSource;
  let users: UserAccountsService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({ database });
    dataSource = app.dataSource;
    users = app.app.get(UserAccountsService);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  function tokenRow(userId: string): PasswordResetToken {
    return dataSource.getRepository(PasswordResetToken).create({
      id: randomUUID(),
      userId,
      tokenHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      expiresAt: new Date(Date.now() + 60_000),
      createdAt: new Date(),
    });
  }

  /** The standalone service's own connection to the database, with its defaults: its settings, not the module's. */
  async function withServiceConnection(work: (service: DataSource) => Promise<void>) {
    const env = Object.assign(new EnvironmentVariables(), { DATABASE_URL: database.url });
    const service = await new DataSource(
      buildDataSourceOptions(databaseConfigFrom(env)),
    ).initialize();
    try {
      await work(service);
    } finally {
      await service.destroy();
    }
  }

  // The standalone service's settings of one engine: each kind gets the test that applies to it.
  if (kind === 'sqlite') {
    it("should run the service's SQLite with a write-ahead log, synchronous=NORMAL and a busy timeout", () =>
      withServiceConnection(async (service) => {
        const pragma = async (name: string): Promise<unknown> =>
          Object.values((await service.query<Record<string, unknown>[]>(`PRAGMA ${name}`))[0])[0];

        expect(await pragma('journal_mode')).toBe('wal');
        // 1 is NORMAL (2 would be FULL, a disk flush at every commit).
        expect(await pragma('synchronous')).toBe(1);
        expect(await pragma('busy_timeout')).toBe(5000);
        expect(await pragma('foreign_keys')).toBe(1);
      }));
  } else {
    it("should give the service's PostgreSQL sessions a statement and idle-transaction timeout", () =>
      withServiceConnection(async (service) => {
        const [{ statement_timeout }] =
          await service.query<{ statement_timeout: string }[]>('SHOW statement_timeout');
        const [{ idle_in_transaction_session_timeout: idle }] = await service.query<
          { idle_in_transaction_session_timeout: string }[]
        >('SHOW idle_in_transaction_session_timeout');

        expect(statement_timeout).toBe('10s');
        expect(idle).toBe('10s');
      }));
  }

  it('should have applied the migrations at start-up, not synchronize', async () => {
    expect(dataSource.options.synchronize).toBe(false);
    const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
    expect(applied.map((m) => m.name)).toEqual([
      'PasswordResetSchema1765000000000',
      'AccountSchema1765000000001',
      'EmailQueueLiveEmailIndex1765000000002',
      'PortableColumns1765000000003',
      'PortableAccountColumns1765000000004',
      'AccountLocale1765000000005',
      'QueuedEmailLocale1765000000006',
      'ResetCodes1765000000007',
    ]);
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('should keep emails unique and report a taken one as a domain error', async () => {
    const email = newEmail();
    await users.create(email, 'hash');
    await expect(users.create(email, 'hash')).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });

  it('should keep token hashes unique', async () => {
    const user = await users.create(newEmail(), 'hash');
    const row = tokenRow(user.id);
    await dataSource.getRepository(PasswordResetToken).insert(row);
    // Another account, so only the hash can clash (each account has one row anyway).
    const other = await users.create(newEmail(), 'hash');
    await expect(
      dataSource
        .getRepository(PasswordResetToken)
        .insert({ ...row, id: randomUUID(), userId: other.id }),
    ).rejects.toThrow(/token_hash|UQ_|unique/i);
  });

  it('should round-trip timestamps exactly', async () => {
    const user = await users.create(newEmail(), 'hash');
    const stored = await dataSource.getRepository(UserAccount).findOneByOrFail({ id: user.id });
    expect(stored.createdAt.toISOString()).toBe(user.createdAt.toISOString());
  });
});
