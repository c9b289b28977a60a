import * as argon2 from 'argon2';
import { AccountsService } from '../../src/accounts/accounts.service';
import { EmailQueueService } from '../../src/email-queue/email-queue.service';
import { EmailKind, EmailStatus, QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { PasswordResetError, PasswordResetErrorCode } from '../../src/errors/password-reset-error';
import { PasswordResetService } from '../../src/reset/password-reset.service';
import { ResetTokensService } from '../../src/tokens/reset-tokens.service';
import { UserAccount } from '../../src/accounts/user-account.entity';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

const WRONG_PASSWORD = 'not the password at all, sorry';

describe.each(databaseKinds())('Auth services on a real database (%s)', (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let auth: AccountsService;
  let reset: PasswordResetService;
  let users: UserAccountsService;
  let tokens: ResetTokensService;
  let emails: EmailQueueService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({ database });
    auth = app.app.get(AccountsService);
    reset = app.app.get(PasswordResetService);
    users = app.app.get(UserAccountsService);
    tokens = app.app.get(ResetTokensService);
    emails = app.app.get(EmailQueueService);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('should re-hash a password stored with older argon2 parameters on the next successful login', async () => {
    const email = newEmail();
    const oldHash = await argon2.hash(STRONG_PASSWORD, {
      type: argon2.argon2id,
      memoryCost: 2048,
      timeCost: 3,
      parallelism: 1,
    });
    const user = await users.create(email, oldHash);

    await auth.login(email, STRONG_PASSWORD, '127.0.0.1');

    const stored = await app.dataSource.getRepository(UserAccount).findOneByOrFail({ id: user.id });
    expect(stored.passwordHash).not.toBe(oldHash);
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=2\$/);
    expect(await argon2.verify(stored.passwordHash, STRONG_PASSWORD)).toBe(true);
    // A re-hash is not a password change: sessions stay.
    expect(stored.tokenVersion).toBe(user.tokenVersion);
  });

  it('should not re-hash when the parameters are current', async () => {
    const email = newEmail();
    const user = await auth.register(email, STRONG_PASSWORD);
    await auth.login(email, STRONG_PASSWORD, '127.0.0.1');
    const stored = await app.dataSource.getRepository(UserAccount).findOneByOrFail({ id: user.id });
    expect(stored.passwordHash).toBe(user.passwordHash);
  });

  describe('login locks (default limits.loginMaxFailures 10, limits.loginMaxFailuresPerAddress 100)', () => {
    it('should let the owner in from two other networks after ten addresses of one /24 sent 100 wrong passwords', async () => {
      const email = newEmail();
      await auth.register(email, STRONG_PASSWORD);
      for (let n = 0; n < 100; n++) {
        await expect(auth.login(email, WRONG_PASSWORD, `127.0.1.${(n % 10) + 1}`)).rejects.toThrow(
          PasswordResetError,
        );
      }

      await expect(auth.login(email, STRONG_PASSWORD, '198.51.100.20')).resolves.toBeDefined();
      await expect(auth.login(email, STRONG_PASSWORD, '192.0.2.20')).resolves.toBeDefined();
      // The network that guessed stays locked, right password or not.
      await expect(auth.login(email, STRONG_PASSWORD, '127.0.1.77')).rejects.toMatchObject({
        code: PasswordResetErrorCode.InvalidCredentials,
      });
    });
  });

  it('should leave a reset link and a queued reset request from before a login alone', async () => {
    const email = newEmail();
    const user = await auth.register(email, STRONG_PASSWORD);
    const { token } = await tokens.issue(user.id);
    // Due only in 2099, so the processor leaves it queued while the test looks at it.
    const queued = await emails.record(
      EmailKind.PasswordReset,
      email,
      EmailStatus.Pending,
      new Date('2099-01-01T00:00:00Z'),
    );

    await auth.login(email, STRONG_PASSWORD, '127.0.0.1');

    const request = await app.dataSource.getRepository(QueuedEmail).findOneByOrFail({ id: queued });
    expect(request.status).toBe(EmailStatus.Pending);
    expect(await tokens.findLive(token)).not.toBeNull();
    await reset.reset(token, OTHER_STRONG_PASSWORD);
    await expect(auth.login(email, OTHER_STRONG_PASSWORD, '127.0.0.1')).resolves.toBeDefined();
    // The reset withdrew the request, as a reset does.
    expect(
      (await app.dataSource.getRepository(QueuedEmail).findOneByOrFail({ id: queued })).status,
    ).toBe(EmailStatus.Cancelled);
  });

  it('should give exactly one success to 20 concurrent resets with one token', async () => {
    const user = await auth.register(newEmail(), STRONG_PASSWORD);
    const { token } = await tokens.issue(user.id);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => reset.reset(token, `${OTHER_STRONG_PASSWORD} ${i}`)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(19);
    for (const failure of rejected)
      expect(failure.reason).toMatchObject({ code: 'INVALID_RESET_TOKEN' });
    const stored = await app.dataSource.getRepository(UserAccount).findOneByOrFail({ id: user.id });
    expect(stored.tokenVersion).toBe(1);
  });

  it('should check the new password before using the token', async () => {
    const user = await auth.register(newEmail(), STRONG_PASSWORD);
    const { token } = await tokens.issue(user.id);
    await expect(reset.reset(token, 'password123')).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    expect(await tokens.findLive(token)).not.toBeNull();
  });
});
