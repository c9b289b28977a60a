import * as argon2 from 'argon2';
import { AccessTokenService } from '../../src/accounts/access-tokens/access-token.service';
import { AccountsService } from '../../src/accounts/accounts.service';
import { UserAccount } from '../../src/accounts/user-account.entity';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { PasswordResetErrorCode } from '../../src/errors/password-reset-error';
import { PasswordHasher } from '../../src/passwords/password-hasher.service';
import { PasswordResetService } from '../../src/reset/password-reset.service';
import { ResetTokensService } from '../../src/tokens/reset-tokens.service';
import {
  newEmail,
  OTHER_STRONG_PASSWORD,
  STRONG_PASSWORD,
  THIRD_STRONG_PASSWORD,
} from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

const IP = '127.0.0.1';

/**
 * A reset that commits while a signed-in change, a deletion or a login's rehash waits for argon2.
 * The hasher is the app's own; each test makes exactly one of its calls run the reset first, which
 * puts the reset deterministically inside the window the review measured.
 */
describe.each(databaseKinds())('A reset racing signed-in writes (%s)', (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let accounts: AccountsService;
  let accessTokens: AccessTokenService;
  let hasher: PasswordHasher;
  let reset: PasswordResetService;
  let tokens: ResetTokensService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({ database });
    accounts = app.app.get(AccountsService);
    accessTokens = app.app.get(AccessTokenService);
    hasher = app.app.get(PasswordHasher);
    reset = app.app.get(PasswordResetService);
    tokens = app.app.get(ResetTokensService);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** Resets the account's password to `newPassword` through a mailed-link token, start to commit. */
  async function resetPassword(userId: string, newPassword: string): Promise<void> {
    const { token } = await tokens.issue(userId);
    await reset.reset(token, newPassword);
  }

  /** Makes the next call of the hasher's `method` run `meanwhile` to completion first. */
  function beforeNext(method: 'verify' | 'hash', meanwhile: () => Promise<void>): void {
    const original = hasher[method].bind(hasher) as (a: string, b?: string) => Promise<never>;
    jest.spyOn(hasher, method).mockImplementationOnce(async (a: string, b?: string) => {
      await meanwhile();
      return original(a, b);
    });
  }

  function stored(id: string): Promise<UserAccount | null> {
    return app.dataSource.getRepository(UserAccount).findOneBy({ id });
  }

  /** A registered account signed in with `password`, as the access-token guard hands it over. */
  async function signedIn(password = STRONG_PASSWORD): Promise<UserAccount> {
    const email = newEmail();
    await accounts.register(email, password);
    const { accessToken } = await accounts.login(email, password, IP);
    return accessTokens.authenticate(accessToken);
  }

  describe('change-password with a session from before the reset', () => {
    it('should answer UNAUTHENTICATED and keep the password the reset set', async () => {
      const user = await signedIn();
      beforeNext('verify', () => resetPassword(user.id, OTHER_STRONG_PASSWORD));

      await expect(
        accounts.changePassword(user, STRONG_PASSWORD, THIRD_STRONG_PASSWORD, IP),
      ).rejects.toMatchObject({ code: PasswordResetErrorCode.Unauthenticated });

      const after = await stored(user.id);
      expect(await argon2.verify(after!.passwordHash, OTHER_STRONG_PASSWORD)).toBe(true);
      // The reset's bump alone: the refused change wrote nothing.
      expect(after!.tokenVersion).toBe(user.tokenVersion + 1);
    });

    it('should still change the password when no reset came in between', async () => {
      const user = await signedIn();

      await accounts.changePassword(user, STRONG_PASSWORD, THIRD_STRONG_PASSWORD, IP);

      const after = await stored(user.id);
      expect(await argon2.verify(after!.passwordHash, THIRD_STRONG_PASSWORD)).toBe(true);
      expect(after!.tokenVersion).toBe(user.tokenVersion + 1);
    });
  });

  describe('DELETE /users/me with a session from before the reset', () => {
    it('should answer UNAUTHENTICATED and keep the account', async () => {
      const user = await signedIn();
      beforeNext('verify', () => resetPassword(user.id, OTHER_STRONG_PASSWORD));

      await expect(accounts.deleteAccount(user, STRONG_PASSWORD, IP)).rejects.toMatchObject({
        code: PasswordResetErrorCode.Unauthenticated,
      });

      const after = await stored(user.id);
      expect(after).not.toBeNull();
      expect(await argon2.verify(after!.passwordHash, OTHER_STRONG_PASSWORD)).toBe(true);
    });

    it('should still delete the account when no reset came in between', async () => {
      const user = await signedIn();

      await accounts.deleteAccount(user, STRONG_PASSWORD, IP);

      expect(await stored(user.id)).toBeNull();
    });
  });

  // SQLite has one writer: a reset cannot start while the change's transaction is open.
  (kind === 'postgres' ? describe : describe.skip)(
    'locks taken side by side (PostgreSQL only: on SQLite a reset cannot start while the change is open)',
    () => {
      /** Resolves once some statement of the test database waits for a lock another holds. */
      async function someoneWaitsForALock(): Promise<void> {
        for (;;) {
          const [{ n }] = await app.dataSource.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity ` +
              `WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          if (n > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }

      it('should not deadlock a change-password with a reset that starts once the change holds the account', async () => {
        const user = await signedIn();
        const { token } = await tokens.issue(user.id);
        const users = app.app.get(UserAccountsService);
        const holdSession = users.holdSession.bind(users);
        let resetting: Promise<unknown> = Promise.resolve();
        jest.spyOn(users, 'holdSession').mockImplementationOnce(async (...args) => {
          const held = await holdSession(...args);
          // The reset runs its own transaction now, and goes as far as it can before the change goes on.
          const resetTokens = app.app.get(ResetTokensService);
          const consume = resetTokens.consume.bind(resetTokens);
          let consumed!: () => void;
          const tokenUsed = new Promise<void>((resolve) => (consumed = resolve));
          jest.spyOn(resetTokens, 'consume').mockImplementationOnce(async (...consumeArgs) => {
            const used = await consume(...consumeArgs);
            consumed();
            return used;
          });
          resetting = reset.reset(token, OTHER_STRONG_PASSWORD).then(
            () => 'reset',
            (error: { code?: string }) => error.code,
          );
          await Promise.race([tokenUsed, someoneWaitsForALock()]);
          return held;
        });

        const changing = accounts
          .changePassword(user, STRONG_PASSWORD, THIRD_STRONG_PASSWORD, IP)
          .then(
            () => 'changed',
            (error: { code?: string }) => error.code,
          );

        // One wins, the other is refused as the rules say: never a deadlock (40P01) answered as a 500.
        expect([await changing, await resetting]).toEqual(['changed', 'INVALID_RESET_TOKEN']);
        const after = await stored(user.id);
        expect(await argon2.verify(after!.passwordHash, THIRD_STRONG_PASSWORD)).toBe(true);
      });
    },
  );

  describe("a login's rehash", () => {
    /** An account whose hash was made with older argon2 parameters, so a login rehashes it. */
    async function withOldHash(password = STRONG_PASSWORD): Promise<UserAccount> {
      const oldHash = await argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: 2048,
        timeCost: 3,
        parallelism: 1,
      });
      const account = await accounts.register(newEmail(), password);
      await app.dataSource
        .getRepository(UserAccount)
        .update({ id: account.id }, { passwordHash: oldHash });
      expect(hasher.needsRehash(oldHash)).toBe(true);
      return { ...account, passwordHash: oldHash };
    }

    it('should not write the old password back over a reset that committed meanwhile', async () => {
      const user = await withOldHash();
      // The login has verified the old password and is hashing it again when the reset commits.
      beforeNext('hash', () => resetPassword(user.id, OTHER_STRONG_PASSWORD));

      await expect(accounts.login(user.email, STRONG_PASSWORD, IP)).rejects.toMatchObject({
        code: PasswordResetErrorCode.InvalidCredentials,
      });

      const after = await stored(user.id);
      expect(await argon2.verify(after!.passwordHash, OTHER_STRONG_PASSWORD)).toBe(true);
      expect(await argon2.verify(after!.passwordHash, STRONG_PASSWORD)).toBe(false);
      await expect(accounts.login(user.email, OTHER_STRONG_PASSWORD, IP)).resolves.toBeDefined();
    });

    it('should let both of two overlapping logins in when only the other rehashed', async () => {
      const user = await withOldHash();
      // The other login verifies, rehashes and answers while this one is hashing.
      let other: unknown;
      beforeNext('hash', async () => {
        other = await accounts.login(user.email, STRONG_PASSWORD, IP);
      });

      const waited = await accounts.login(user.email, STRONG_PASSWORD, IP);

      expect(other).toBeDefined();
      expect(waited).toBeDefined();
      const after = await stored(user.id);
      expect(after!.passwordHash).not.toBe(user.passwordHash);
      expect(hasher.needsRehash(after!.passwordHash)).toBe(false);
      expect(await argon2.verify(after!.passwordHash, STRONG_PASSWORD)).toBe(true);
    });

    it('should upgrade the hash when nothing came in between', async () => {
      const user = await withOldHash();

      await accounts.login(user.email, STRONG_PASSWORD, IP);

      const after = await stored(user.id);
      expect(hasher.needsRehash(after!.passwordHash)).toBe(false);
      expect(after!.tokenVersion).toBe(user.tokenVersion);
    });
  });
});
