import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import type { UnitOfWork } from '../database/unit-of-work';
import type { LoginLockoutService } from '../limits/per-address/login-lockout.service';
import type { ResetTokensService } from '../tokens/reset-tokens.service';
import type { EntityManager } from 'typeorm';
import type { AccessToken, AccessTokenService } from './access-tokens/access-token.service';
import { UserAccount } from './user-account.entity';
import type { UserAccountsService } from './user-accounts.service';
import { AccountsService } from './accounts.service';
import type { PasswordChanger } from '../passwords/password-changer.service';
import type { PasswordHasher } from '../passwords/password-hasher.service';
import type { PasswordPolicy } from '../passwords/password-policy.service';
import type { MailService } from '../mail/mail.service';
import type { SignUpAttempts } from './sign-up-attempts.service';
import type { PasswordResetSettings } from '../password-reset.options';

const EMAIL = 'alice@example.com';
const PASSWORD = 'correct horse battery staple';
const CLIENT_IP = '203.0.113.7';
const STORED_HASH = '$argon2id$v=19$m=1024,p=1,t=2$b2xkc2FsdA$b2xkaGFzaA';
const UPGRADED_HASH = '$argon2id$v=19$m=19456,p=1,t=2$bmV3c2FsdA$bmV3aGFzaA';
/** The hash a reset stored meanwhile: the login's password does not match it. */
const RESET_HASH = '$argon2id$v=19$m=19456,p=1,t=2$cmVzZXRzYWx0$cmVzZXRoYXNo';
/** Stands for the changer's transaction. */
const TRANSACTION = {} as EntityManager;

function newUser(): UserAccount {
  const now = new Date('2025-01-01T00:00:00Z');
  return Object.assign(new UserAccount(), {
    id: '9d3f7a52-1e0b-4b8c-a6f4-2c5d8e1b7a90',
    email: EMAIL,
    passwordHash: STORED_HASH,
    tokenVersion: 0,
    createdAt: now,
    updatedAt: now,
    passwordChangedAt: now,
  });
}

interface Scenario {
  /** The account `findByEmail` finds, or `null` for an unknown address. */
  account: UserAccount | null;
  passwordMatches?: boolean;
  needsRehash?: boolean;
  /** Whether the address is locked after too many failures. */
  locked?: boolean;
  /**
   * The account as stored when a conditional write finds it changed since it was read (a reset or
   * another login came in between), or `null` when it is gone; leave out for "unchanged".
   */
  changedTo?: UserAccount | null;
  /** The `registration` option. */
  registration?: PasswordResetSettings['registration'];
}

/** AccountsService over hand-written fakes that record how they were called. */
function authServiceFor({
  account,
  passwordMatches = true,
  needsRehash = false,
  locked = false,
  changedTo,
  registration = 'open',
}: Scenario) {
  const unchanged = changedTo === undefined;
  const issued: AccessToken = {
    accessToken: 'signed.access.token',
    tokenType: 'Bearer',
    expiresIn: 900,
  };
  const users = {
    findByEmail: jest.fn((_email: string) => Promise.resolve(account)),
    findById: jest.fn((_id: string) => Promise.resolve(unchanged ? account : changedTo)),
    rehash: jest.fn((_id: string, _verified: string, _hash: string) => Promise.resolve(unchanged)),
    holdSession: jest.fn((_id: string, _version: number, _manager: EntityManager) =>
      Promise.resolve(unchanged),
    ),
    delete: jest.fn((_id: string, _version: number, _manager?: EntityManager) =>
      Promise.resolve(unchanged),
    ),
  };
  const resetTokens = {
    revokeAllForUser: jest.fn((_userId: string, _manager?: EntityManager) => Promise.resolve()),
  };
  const db = {
    transaction: jest.fn(<T>(work: (manager: EntityManager) => Promise<T>) => work(TRANSACTION)),
  };
  const accessTokens = { issue: jest.fn((_user: UserAccount) => Promise.resolve(issued)) };
  const hasher = {
    // A hash written since the account was read (a reset's) does not match; an upgraded one does.
    verify: jest.fn((hash: string, _password: string) =>
      Promise.resolve(hash === STORED_HASH ? passwordMatches : hash === UPGRADED_HASH),
    ),
    verifyDummy: jest.fn((_password: string) => Promise.resolve(false as const)),
    needsRehash: jest.fn((_hash: string) => needsRehash),
    hash: jest.fn((_password: string) => Promise.resolve(UPGRADED_HASH)),
  };
  const policy = {
    assertAcceptable: jest.fn((_password: string, _email: string) => Promise.resolve()),
  };
  const passwordChanger = {
    // Runs the precondition as the real changer does, inside its (here pretend) transaction.
    change: jest.fn(
      async (
        _user: UserAccount,
        _password: string,
        _via: 'reset' | 'change',
        precondition?: (manager: EntityManager) => Promise<void>,
      ) => {
        await precondition?.(TRANSACTION);
        return new Date();
      },
    ),
  };
  const lockout = {
    attempt: jest.fn((_email: string, _ip: string) => Promise.resolve(!locked)),
    clearNetwork: jest.fn((_email: string, _ip: string) => Promise.resolve()),
  };
  const signUpAttempts = {
    record: jest.fn((_owner: UserAccount, _clientIp?: string, _locale?: string | null) =>
      Promise.resolve(),
    ),
  };
  const service = new AccountsService(
    users as unknown as UserAccountsService,
    accessTokens as unknown as AccessTokenService,
    hasher as unknown as PasswordHasher,
    policy as unknown as PasswordPolicy,
    passwordChanger as unknown as PasswordChanger,
    lockout as unknown as LoginLockoutService,
    resetTokens as unknown as ResetTokensService,
    db as unknown as UnitOfWork,
    { supportedLocales: ['en'] } as unknown as MailService,
    signUpAttempts as unknown as SignUpAttempts,
    { registration } as PasswordResetSettings,
  );
  return {
    service,
    issued,
    users,
    accessTokens,
    hasher,
    policy,
    passwordChanger,
    lockout,
    resetTokens,
    signUpAttempts,
  };
}

async function loginError(
  service: AccountsService,
  password = PASSWORD,
): Promise<PasswordResetError> {
  const error: unknown = await service.login(EMAIL, password, CLIENT_IP).then(
    () => {
      throw new Error('Expected the login to fail');
    },
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(PasswordResetError);
  return error as PasswordResetError;
}

describe(AccountsService.name, () => {
  describe('login', () => {
    it('should spend a dummy verify for an unknown email', async () => {
      const { service, hasher } = authServiceFor({ account: null });

      await loginError(service);

      expect(hasher.verifyDummy).toHaveBeenCalledWith(PASSWORD);
      expect(hasher.verify).not.toHaveBeenCalled();
    });

    it('should refuse an unknown email with INVALID_CREDENTIALS', async () => {
      const { service, accessTokens } = authServiceFor({ account: null });

      const error = await loginError(service);

      expect(error.code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(accessTokens.issue).not.toHaveBeenCalled();
    });

    it('should give an unknown email the same error as a wrong password', async () => {
      const unknown = await loginError(authServiceFor({ account: null }).service);
      const wrong = await loginError(
        authServiceFor({ account: newUser(), passwordMatches: false }).service,
      );

      expect(wrong.code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(unknown.code).toBe(wrong.code);
      expect(unknown.message).toBe(wrong.message);
    });

    it('should check the password against the stored hash', async () => {
      const { service, hasher } = authServiceFor({ account: newUser() });

      await service.login(EMAIL, PASSWORD, CLIENT_IP);

      expect(hasher.verify).toHaveBeenCalledWith(STORED_HASH, PASSWORD);
      expect(hasher.verifyDummy).not.toHaveBeenCalled();
    });

    it('should not issue a token or rehash for a wrong password', async () => {
      const { service, accessTokens, users } = authServiceFor({
        account: newUser(),
        passwordMatches: false,
        needsRehash: true,
      });

      const error = await loginError(service, 'not the password');

      expect(error.code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(accessTokens.issue).not.toHaveBeenCalled();
      expect(users.rehash).not.toHaveBeenCalled();
    });

    it('should store a new hash when the old one used other parameters', async () => {
      const account = newUser();
      const { service, hasher, users } = authServiceFor({ account, needsRehash: true });

      await service.login(EMAIL, PASSWORD, CLIENT_IP);

      expect(hasher.needsRehash).toHaveBeenCalledWith(STORED_HASH);
      expect(hasher.hash).toHaveBeenCalledWith(PASSWORD);
      expect(users.rehash).toHaveBeenCalledWith(account.id, STORED_HASH, UPGRADED_HASH);
      expect(users.findById).not.toHaveBeenCalled();
    });

    it('should refuse the login when a reset replaced the verified hash before the rehash', async () => {
      const account = newUser();
      const { service, users, accessTokens, lockout } = authServiceFor({
        account,
        needsRehash: true,
        changedTo: { ...account, passwordHash: RESET_HASH, tokenVersion: 1 },
      });

      const error = await loginError(service);

      expect(error.code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(users.findById).toHaveBeenCalledWith(account.id);
      expect(accessTokens.issue).not.toHaveBeenCalled();
      expect(lockout.clearNetwork).not.toHaveBeenCalled();
    });

    it('should refuse the login when the account was deleted before the rehash', async () => {
      const { service, accessTokens } = authServiceFor({
        account: newUser(),
        needsRehash: true,
        changedTo: null,
      });

      expect((await loginError(service)).code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(accessTokens.issue).not.toHaveBeenCalled();
    });

    it('should let the login in when another login upgraded the hash first', async () => {
      const account = newUser();
      const current = { ...account, passwordHash: UPGRADED_HASH };
      const { service, accessTokens, issued } = authServiceFor({
        account,
        needsRehash: true,
        changedTo: current,
      });

      await expect(service.login(EMAIL, PASSWORD, CLIENT_IP)).resolves.toBe(issued);
      expect(accessTokens.issue).toHaveBeenCalledWith(current);
    });

    it('should keep the hash when it already uses the configured parameters', async () => {
      const { service, hasher, users } = authServiceFor({ account: newUser(), needsRehash: false });

      await service.login(EMAIL, PASSWORD, CLIENT_IP);

      expect(hasher.hash).not.toHaveBeenCalled();
      expect(users.rehash).not.toHaveBeenCalled();
    });

    it('should return the access token issued for the account', async () => {
      const account = newUser();
      const { service, accessTokens, issued } = authServiceFor({ account });

      await expect(service.login(EMAIL, PASSWORD, CLIENT_IP)).resolves.toBe(issued);
      expect(accessTokens.issue).toHaveBeenCalledWith(account);
    });

    it('should look the account up by the email it was given', async () => {
      const { service, users } = authServiceFor({ account: newUser() });

      await service.login(EMAIL, PASSWORD, CLIENT_IP);

      expect(users.findByEmail).toHaveBeenCalledWith(EMAIL);
    });

    it('should count every attempt towards the address lock before checking it, for unknown and known addresses alike', async () => {
      const unknown = authServiceFor({ account: null });
      const wrong = authServiceFor({ account: newUser(), passwordMatches: false });

      await loginError(unknown.service);
      await loginError(wrong.service);

      expect(unknown.lockout.attempt).toHaveBeenCalledWith(EMAIL, CLIENT_IP);
      expect(wrong.lockout.attempt).toHaveBeenCalledWith(EMAIL, CLIENT_IP);
      expect(wrong.lockout.attempt.mock.invocationCallOrder[0]).toBeLessThan(
        wrong.hasher.verify.mock.invocationCallOrder[0],
      );
    });

    it('should refuse a locked address with the same error even for the right password, after a dummy verify', async () => {
      const { service, hasher, accessTokens, users } = authServiceFor({
        account: newUser(),
        locked: true,
      });
      const wrong = await loginError(
        authServiceFor({ account: newUser(), passwordMatches: false }).service,
      );

      const error = await loginError(service);

      expect(error.message).toBe(wrong.message);
      expect(hasher.verifyDummy).toHaveBeenCalledWith(PASSWORD);
      expect(users.findByEmail).not.toHaveBeenCalled();
      expect(accessTokens.issue).not.toHaveBeenCalled();
    });

    it("should clear the count of the client's network on success", async () => {
      const { service, lockout } = authServiceFor({ account: newUser() });

      await service.login(EMAIL, PASSWORD, CLIENT_IP);

      expect(lockout.clearNetwork).toHaveBeenCalledWith(EMAIL, CLIENT_IP);
    });
  });

  describe('signUp', () => {
    it('should hash the password for a taken address too, in enumeration-safe mode, and tell its owner', async () => {
      const owner = newUser();
      const { service, hasher, policy, users, signUpAttempts } = authServiceFor({
        account: owner,
        registration: 'enumeration-safe',
      });

      const outcome = await service.signUp(EMAIL, PASSWORD, { clientIp: CLIENT_IP });

      expect(outcome).toEqual({ kind: 'accepted' });
      expect(policy.assertAcceptable).toHaveBeenCalledWith(PASSWORD, EMAIL, undefined);
      expect(hasher.hash).toHaveBeenCalledWith(PASSWORD);
      expect(signUpAttempts.record).toHaveBeenCalledWith(owner, CLIENT_IP, null);
      expect(users.findByEmail).toHaveBeenCalledWith(EMAIL);
    });

    it('should hash the password for a new address in enumeration-safe mode, and answer the same', async () => {
      const { service, hasher, signUpAttempts } = authServiceFor({
        account: null,
        registration: 'enumeration-safe',
      });
      const users = { create: jest.fn(() => Promise.resolve(newUser())) };
      Object.assign((service as unknown as { users: object }).users, users);

      const outcome = await service.signUp(EMAIL, PASSWORD, { clientIp: CLIENT_IP });

      expect(outcome).toEqual({ kind: 'accepted' });
      expect(hasher.hash).toHaveBeenCalledWith(PASSWORD);
      expect(users.create).toHaveBeenCalledWith(EMAIL, UPGRADED_HASH, {
        locale: null,
        timeZone: null,
      });
      expect(signUpAttempts.record).not.toHaveBeenCalled();
    });

    it('should refuse a weak password before any lookup or hash, taken address or not', async () => {
      const { service, hasher, policy, users } = authServiceFor({
        account: newUser(),
        registration: 'enumeration-safe',
      });
      const weak = new PasswordResetError(PasswordResetErrorCode.WeakPassword, 'Too easy');
      policy.assertAcceptable.mockRejectedValueOnce(weak);

      await expect(service.signUp(EMAIL, 'password123')).rejects.toBe(weak);
      expect(users.findByEmail).not.toHaveBeenCalled();
      expect(hasher.hash).not.toHaveBeenCalled();
    });
  });

  describe('changePassword', () => {
    const NEW_PASSWORD = 'violet tractor sings at midnight';

    it("should check the new password in the first of the request's languages the module speaks, and write the notice in the first an email locale serves", async () => {
      const account = newUser();
      const { service, policy, passwordChanger } = authServiceFor({ account });

      await service.changePassword(account, PASSWORD, NEW_PASSWORD, CLIENT_IP, {
        languages: ['ja', 'fr-CH', 'en'],
      });

      expect(policy.assertAcceptable).toHaveBeenCalledWith(NEW_PASSWORD, EMAIL, 'fr');
      // The email locales of this test are English only.
      expect(passwordChanger.change).toHaveBeenCalledWith(
        account,
        NEW_PASSWORD,
        'change',
        expect.any(Function),
        { locale: 'en' },
      );
    });

    it('should confirm the current password, check the new one, and hand the plain new password to the changer', async () => {
      const account = newUser();
      const { service, hasher, policy, passwordChanger } = authServiceFor({ account });

      await service.changePassword(account, PASSWORD, NEW_PASSWORD, CLIENT_IP);

      expect(hasher.verify).toHaveBeenCalledWith(STORED_HASH, PASSWORD);
      expect(policy.assertAcceptable).toHaveBeenCalledWith(NEW_PASSWORD, EMAIL, undefined);
      expect(passwordChanger.change).toHaveBeenCalledTimes(1);
      expect(passwordChanger.change).toHaveBeenCalledWith(
        account,
        NEW_PASSWORD,
        'change',
        expect.any(Function),
        { locale: undefined },
      );
      expect(policy.assertAcceptable.mock.invocationCallOrder[0]).toBeLessThan(
        passwordChanger.change.mock.invocationCallOrder[0],
      );
    });

    it('should not hash the new password itself: the users port prepares it inside the changer', async () => {
      const account = newUser();
      const { service, hasher } = authServiceFor({ account });

      await service.changePassword(account, PASSWORD, NEW_PASSWORD, CLIENT_IP);

      expect(hasher.hash).not.toHaveBeenCalled();
    });

    it('should refuse a wrong current password and change nothing', async () => {
      const account = newUser();
      const { service, policy, passwordChanger, lockout } = authServiceFor({
        account,
        passwordMatches: false,
      });

      const error: unknown = await service
        .changePassword(account, 'not the password', NEW_PASSWORD, CLIENT_IP)
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(PasswordResetError);
      expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(lockout.attempt).toHaveBeenCalledWith(EMAIL, CLIENT_IP);
      expect(lockout.clearNetwork).not.toHaveBeenCalled();
      expect(policy.assertAcceptable).not.toHaveBeenCalled();
      expect(passwordChanger.change).not.toHaveBeenCalled();
    });

    it('should refuse even the right current password while the address is locked', async () => {
      const account = newUser();
      const { service, passwordChanger } = authServiceFor({ account, locked: true });

      const error: unknown = await service
        .changePassword(account, PASSWORD, NEW_PASSWORD, CLIENT_IP)
        .catch((caught: unknown) => caught);

      expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(passwordChanger.change).not.toHaveBeenCalled();
    });

    it("should check, inside the changer's transaction, that the token's version is still the account's", async () => {
      const account = { ...newUser(), tokenVersion: 4 };
      const { service, users } = authServiceFor({ account });

      await service.changePassword(account, PASSWORD, NEW_PASSWORD, CLIENT_IP);

      expect(users.holdSession).toHaveBeenCalledWith(account.id, 4, TRANSACTION);
    });

    it("should end the reset links before it takes the account's row, as a reset does", async () => {
      const account = newUser();
      const { service, users, resetTokens } = authServiceFor({ account });

      await service.changePassword(account, PASSWORD, NEW_PASSWORD, CLIENT_IP);

      expect(resetTokens.revokeAllForUser).toHaveBeenCalledWith(account.id, TRANSACTION);
      expect(resetTokens.revokeAllForUser.mock.invocationCallOrder[0]).toBeLessThan(
        users.holdSession.mock.invocationCallOrder[0],
      );
    });

    it('should answer UNAUTHENTICATED when a reset ended the session before the write', async () => {
      const account = newUser();
      const { service } = authServiceFor({
        account,
        changedTo: { ...account, passwordHash: RESET_HASH, tokenVersion: 1 },
      });

      const error: unknown = await service
        .changePassword(account, PASSWORD, NEW_PASSWORD, CLIENT_IP)
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(PasswordResetError);
      expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.Unauthenticated);
    });
  });

  describe('deleteAccount', () => {
    it("should delete only while the account's version is still the token's, links first, in one transaction", async () => {
      const account = { ...newUser(), tokenVersion: 2 };
      const { service, users, resetTokens } = authServiceFor({ account });

      await service.deleteAccount(account, PASSWORD, CLIENT_IP);

      expect(users.delete).toHaveBeenCalledWith(account.id, 2, TRANSACTION);
      expect(resetTokens.revokeAllForUser).toHaveBeenCalledWith(account.id, TRANSACTION);
      expect(resetTokens.revokeAllForUser.mock.invocationCallOrder[0]).toBeLessThan(
        users.delete.mock.invocationCallOrder[0],
      );
    });

    it('should answer UNAUTHENTICATED when a reset ended the session before the delete', async () => {
      const account = newUser();
      const { service } = authServiceFor({
        account,
        changedTo: { ...account, passwordHash: RESET_HASH, tokenVersion: 1 },
      });

      const error: unknown = await service
        .deleteAccount(account, PASSWORD, CLIENT_IP)
        .catch((caught: unknown) => caught);

      expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.Unauthenticated);
    });

    it('should refuse a wrong password and delete nothing', async () => {
      const account = newUser();
      const { service, users } = authServiceFor({ account, passwordMatches: false });

      const error: unknown = await service
        .deleteAccount(account, 'not the password', CLIENT_IP)
        .catch((caught: unknown) => caught);

      expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.InvalidCredentials);
      expect(users.delete).not.toHaveBeenCalled();
    });
  });
});
