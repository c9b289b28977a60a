import { UnitOfWork } from '../../src/database/unit-of-work';
import { UserAccount } from '../../src/accounts/user-account.entity';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { newEmail } from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

/** A complete users row, written straight through a transaction's manager. */
function userRow(id: string, email: string): UserAccount {
  const now = new Date();
  return {
    id,
    email,
    passwordHash: 'hash',
    tokenVersion: 0,
    createdAt: now,
    updatedAt: now,
    passwordChangedAt: now,
    locale: null,
    timeZone: null,
  };
}

describe.each(databaseKinds())(`${UnitOfWork.name} (%s)`, (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let unitOfWork: UnitOfWork;
  let users: UserAccountsService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({ database });
    unitOfWork = app.app.get(UnitOfWork);
    users = app.app.get(UserAccountsService);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('should keep a write made outside a transaction when that transaction rolls back', async () => {
    let release!: () => void;
    let opened!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const open = new Promise<void>((resolve) => (opened = resolve));
    const email = newEmail('bystander');

    const failing = unitOfWork.transaction(async (manager) => {
      await manager.query('SELECT 1');
      opened();
      await paused;
      throw new Error('roll back');
    });
    await open;
    // While the transaction is open, an unrelated request writes on its own.
    const bystander = users.create(email, 'hash');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();

    await expect(failing).rejects.toThrow('roll back');
    await bystander;
    expect(await users.findByEmail(email)).not.toBeNull();
  });

  it('should roll back what the transaction itself wrote', async () => {
    const email = newEmail('inside');
    await expect(
      unitOfWork.transaction(async (manager) => {
        await manager
          .getRepository(UserAccount)
          .insert(userRow('00000000-0000-4000-8000-0000000000aa', email));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await users.findByEmail(email)).toBeNull();
  });

  it("should run statements given the transaction's manager inside it, without waiting for itself", async () => {
    const email = newEmail('nested');
    await unitOfWork.transaction(async (manager) => {
      await unitOfWork.with(manager, (inner) =>
        inner
          .getRepository(UserAccount)
          .insert(userRow('00000000-0000-4000-8000-0000000000bb', email)),
      );
    });
    expect(await users.findByEmail(email)).not.toBeNull();
  });

  it("should leave the host's connection alone: its query runner is TypeORM's own", () => {
    // The module once patched the shared SQLite query runner; now it only queues its own statements.
    const runner = app.dataSource.createQueryRunner();
    expect(Object.prototype.hasOwnProperty.call(runner, 'query')).toBe(false);
  });
});
