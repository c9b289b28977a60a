import { randomUUID } from 'node:crypto';
import { DataSource, DataSourceOptions } from 'typeorm';
import { UserAccount } from '../../src/accounts/user-account.entity';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { AccountLocale1765000000005 } from '../../src/database/migrations/1765000000005-account-locale';
import {
  accountEntities,
  accountMigrations,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../src/schema';
import { PasswordResetUsers } from '../../src/users/password-reset-users';
import { newEmail } from '../support/factories';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';
import { useModuleHost } from './support/module-host';

const entities = [...passwordResetEntities, ...accountEntities];
const allMigrations = [...passwordResetMigrations, ...accountMigrations];

/** A host's own connection, as its TypeORM CLI data source would open it. */
function connect(
  database: TestDatabase,
  schema: Pick<DataSourceOptions, 'entities' | 'migrations'>,
): DataSource {
  if (database.kind === 'postgres') {
    return new DataSource({ ...schema, type: 'postgres', url: database.url });
  }
  const file = database.url.slice('sqlite:'.length);
  return new DataSource({ ...schema, type: 'better-sqlite3', database: file });
}

/** A migration's timestamp, the number its class name ends with. */
function timestampOf(migration: { name: string }): number {
  return Number(/\d+$/.exec(migration.name)?.[0]);
}

describe.each(databaseKinds())('AccountLocale1765000000005 (%s)', (kind) => {
  let database: TestDatabase;
  const open: DataSource[] = [];
  const p = (n: number) => (kind === 'postgres' ? `$${n}` : '?');

  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });

  afterEach(async () => {
    for (const dataSource of open.splice(0)) {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
    await database.drop();
  });

  async function opened(schema: Pick<DataSourceOptions, 'entities' | 'migrations'>) {
    const dataSource = connect(database, schema);
    open.push(dataSource);
    return dataSource.initialize();
  }

  /** A database as the migrations before this one left it, with one account in it. */
  async function accountBeforeLocales(): Promise<string> {
    const before = await opened({
      migrations: allMigrations.filter((m) => m !== AccountLocale1765000000005),
    });
    await before.runMigrations();
    const id = randomUUID();
    await before.query(
      `INSERT INTO users (id, email, password_hash, token_version, created_at, updated_at, ` +
        `password_changed_at) VALUES (${p(1)}, ${p(2)}, 'hash', 2, 1, 2, 3)`,
      [id, newEmail()],
    );
    await before.destroy();
    return id;
  }

  it('should add locale and time_zone, null for the accounts that exist, and leave no diff', async () => {
    const id = await accountBeforeLocales();

    const dataSource = await opened({ entities, migrations: allMigrations });
    await dataSource.runMigrations();

    const user = await dataSource.getRepository(UserAccount).findOneByOrFail({ id });
    expect(user).toMatchObject({ tokenVersion: 2, locale: null, timeZone: null });
    expect(user.passwordChangedAt.getTime()).toBe(3);
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });

  it('should hold the longest tag and zone name accepted, and drop both columns when reverted', async () => {
    const id = await accountBeforeLocales();
    // Up to this migration only, so that reverting the last one reverts this one.
    const dataSource = await opened({
      migrations: allMigrations.filter(
        (m) => timestampOf(m) <= timestampOf(AccountLocale1765000000005),
      ),
    });
    await dataSource.runMigrations();
    const [locale, timeZone] = ['a'.repeat(35), 'Z'.repeat(64)];
    await dataSource.query(
      `UPDATE users SET locale = ${p(1)}, time_zone = ${p(2)} WHERE id = ${p(3)}`,
      [locale, timeZone, id],
    );
    expect(
      await dataSource.query(`SELECT locale, time_zone FROM users WHERE id = ${p(1)}`, [id]),
    ).toEqual([{ locale, time_zone: timeZone }]);

    await dataSource.undoLastMigration();

    const table = await dataSource.createQueryRunner().getTable('users');
    const columns = table?.columns.map((column) => column.name) ?? [];
    expect(columns).not.toContain('locale');
    expect(columns).not.toContain('time_zone');
    const rows = await dataSource.query<{ token_version: number }[]>(
      `SELECT token_version FROM users WHERE id = ${p(1)}`,
      [id],
    );
    expect(rows.map((row) => Number(row.token_version))).toEqual([2]);
  });
});

describe.each(databaseKinds())('The built-in accounts as the reset flow sees them (%s)', (kind) => {
  const ctx = useModuleHost(kind);

  it("should give the reset flow each account's id, email, locale and time zone, and nothing else", async () => {
    const accounts = ctx.host.app.get(UserAccountsService);
    const users = ctx.host.app.get(PasswordResetUsers);
    const withBoth = await accounts.create(newEmail(), 'hash', {
      locale: 'de-AT',
      timeZone: 'Europe/Vienna',
    });
    const withNone = await accounts.create(newEmail(), 'hash');

    const expected = {
      id: withBoth.id,
      email: withBoth.email,
      locale: 'de-AT',
      timeZone: 'Europe/Vienna',
    };
    expect(await users.findByEmail(withBoth.email)).toEqual(expected);
    expect(await users.findById(withBoth.id)).toEqual(expected);
    const batch = await users.findByEmails([withBoth.email, withNone.email]);
    expect(batch.get(withBoth.email)).toEqual(expected);
    expect(batch.get(withNone.email)).toEqual({
      id: withNone.id,
      email: withNone.email,
      locale: null,
      timeZone: null,
    });
  });
});
