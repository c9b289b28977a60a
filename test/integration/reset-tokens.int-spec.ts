import { UnitOfWork } from '../../src/database/unit-of-work';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { hashResetToken } from '../../src/tokens/reset-token';
import { ResetTokensService } from '../../src/tokens/reset-tokens.service';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { newEmail } from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

describe.each(databaseKinds())(`${ResetTokensService.name} (%s)`, (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let tokens: ResetTokensService;
  let users: UserAccountsService;
  let unitOfWork: UnitOfWork;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({ database });
    tokens = app.app.get(ResetTokensService);
    users = app.app.get(UserAccountsService);
    unitOfWork = app.app.get(UnitOfWork);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const newUser = () => users.create(newEmail(), 'hash');

  it('should issue a 43-character token that expires after the configured TTL and store only its hash', async () => {
    const user = await newUser();
    const now = new Date();
    const issued = await tokens.issue(user.id, now);
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt.getTime() - now.getTime()).toBe(60 * 60_000);
    const [row] = await app.dataSource
      .getRepository(PasswordResetToken)
      .findBy({ userId: user.id });
    expect(row.tokenHash).toBe(hashResetToken(issued.token));
    expect(JSON.stringify(row)).not.toContain(issued.token);
  });

  it('should keep only the newest token of an account', async () => {
    const user = await newUser();
    const first = await tokens.issue(user.id);
    const second = await tokens.issue(user.id);
    expect(await tokens.findLive(first.token)).toBeNull();
    expect(await tokens.findLive(second.token)).toMatchObject({ userId: user.id });
  });

  it('should leave exactly one live token after 20 concurrent issues for one account', async () => {
    const user = await newUser();

    const issued = await Promise.all(Array.from({ length: 20 }, () => tokens.issue(user.id)));

    const rows = await app.dataSource.getRepository(PasswordResetToken).findBy({ userId: user.id });
    expect(rows).toHaveLength(1);
    const live = await Promise.all(issued.map((one) => tokens.findLive(one.token)));
    expect(live.filter(Boolean)).toHaveLength(1);
  });

  it('should refuse a second token row for one account in the database itself', async () => {
    const user = await newUser();
    await tokens.issue(user.id);
    const row = (id: string, hash: string) => ({
      id,
      userId: user.id,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + 60_000),
      createdAt: new Date(),
    });

    await expect(
      app.dataSource
        .getRepository(PasswordResetToken)
        .insert(row('0b0b0b0b-0000-4000-8000-000000000001', 'e'.repeat(64))),
    ).rejects.toThrow(/unique|UNIQUE/);
  });

  it('should not find a token once it has expired', async () => {
    const user = await newUser();
    const issued = await tokens.issue(user.id);
    expect(
      await tokens.findLive(issued.token, new Date(issued.expiresAt.getTime() - 1)),
    ).not.toBeNull();
    expect(await tokens.findLive(issued.token, issued.expiresAt)).toBeNull();
  });

  it('should not consume an expired token', async () => {
    const user = await newUser();
    const issued = await tokens.issue(user.id);
    const live = (await tokens.findLive(issued.token))!;
    const consumed = await unitOfWork.run((manager) =>
      tokens.consume(live.id, manager, new Date(issued.expiresAt.getTime() + 1)),
    );
    expect(consumed).toBeNull();
  });

  it('should let exactly one of 20 concurrent consumers use a token', async () => {
    const user = await newUser();
    const issued = await tokens.issue(user.id);
    const live = (await tokens.findLive(issued.token))!;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        unitOfWork.transaction((manager) => tokens.consume(live.id, manager)),
      ),
    );
    expect(results.filter((r) => r === user.id)).toHaveLength(1);
    expect(results.filter((r) => r === null)).toHaveLength(19);
    expect(await tokens.findLive(issued.token)).toBeNull();
  });

  it('should put a consumed token back when its transaction rolls back', async () => {
    const user = await newUser();
    const issued = await tokens.issue(user.id);
    const live = (await tokens.findLive(issued.token))!;
    await expect(
      unitOfWork.transaction(async (manager) => {
        await tokens.consume(live.id, manager);
        throw new Error('password update failed');
      }),
    ).rejects.toThrow('password update failed');
    expect(await tokens.findLive(issued.token)).not.toBeNull();
  });
});
