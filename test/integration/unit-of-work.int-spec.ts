import { UnitOfWork } from '../../src/database/unit-of-work';
import { User } from '../../src/users/user.entity';
import { UsersService } from '../../src/users/users.service';
import { newEmail } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

/** A complete users row, written straight through a transaction's manager. */
function userRow(id: string, email: string): User {
  const now = new Date();
  return {
    id,
    email,
    passwordHash: 'hash',
    tokenVersion: 0,
    createdAt: now,
    updatedAt: now,
    passwordChangedAt: now,
  };
}

describe.each(databaseKinds())(`${UnitOfWork.name} (%s)`, (kind) => {
  let database: TestDatabase;
  let app: TestApp;
  let unitOfWork: UnitOfWork;
  let users: UsersService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await createTestApp({ database });
    unitOfWork = app.app.get(UnitOfWork);
    users = app.app.get(UsersService);
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

    const failing = unitOfWork.run(async (manager) => {
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
      unitOfWork.run(async (manager) => {
        await manager
          .getRepository(User)
          .insert(userRow('00000000-0000-4000-8000-0000000000aa', email));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await users.findByEmail(email)).toBeNull();
  });

  it('should run a transaction started inside another as part of it, without waiting for itself', async () => {
    const email = newEmail('nested');
    await unitOfWork.run(async () => {
      await unitOfWork.run(async (inner) => {
        await inner
          .getRepository(User)
          .insert(userRow('00000000-0000-4000-8000-0000000000bb', email));
      });
    });
    expect(await users.findByEmail(email)).not.toBeNull();
  });
});
