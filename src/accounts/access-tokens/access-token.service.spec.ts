import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { PasswordResetSettings, resolvePasswordResetOptions } from '../../password-reset.options';
import { AccessTokenService, createJwtService } from './access-token.service';
import { UserAccount } from '../user-account.entity';
import type { UserAccountsService } from '../user-accounts.service';

const SECRET = 'x'.repeat(32);

/** Holds accounts in memory; only `findById` is used by the service under test. */
class FakeUsers {
  readonly accounts = new Map<string, UserAccount>();

  findById(id: string): Promise<UserAccount | null> {
    return Promise.resolve(this.accounts.get(id) ?? null);
  }
}

function newUser(overrides: Partial<UserAccount> = {}): UserAccount {
  const now = new Date('2025-01-01T00:00:00Z');
  return Object.assign(new UserAccount(), {
    id: '4f1c2a8e-9b7d-4c1e-8a55-3f0e6d2b9c10',
    email: 'alice@example.com',
    passwordHash: '$argon2id$v=19$m=1024,t=2,p=1$c2FsdA$aGFzaA',
    tokenVersion: 0,
    createdAt: now,
    updatedAt: now,
    passwordChangedAt: now,
    ...overrides,
  });
}

function configWith(expiresIn: string): PasswordResetSettings {
  return resolvePasswordResetOptions(
    { frontendUrl: 'https://app.example.com', jwt: { secret: SECRET, expiresIn } },
    true,
  );
}

async function expectUnauthenticated(attempt: Promise<unknown>): Promise<void> {
  const error: unknown = await attempt.then(
    () => {
      throw new Error('Expected the token to be refused');
    },
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(PasswordResetError);
  expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.Unauthenticated);
}

describe(AccessTokenService.name, () => {
  const jwt = new JwtService({ secret: SECRET });
  let users: FakeUsers;
  let service: AccessTokenService;
  let user: UserAccount;

  beforeEach(() => {
    users = new FakeUsers();
    user = newUser({ tokenVersion: 3 });
    users.accounts.set(user.id, user);
    service = new AccessTokenService(
      jwt,
      users as unknown as UserAccountsService,
      configWith('15m'),
    );
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('issue', () => {
    it('should return a Bearer token with the configured lifetime in seconds', async () => {
      const issued = await service.issue(user);

      expect(issued.tokenType).toBe('Bearer');
      expect(issued.expiresIn).toBe(900);
      expect(typeof issued.accessToken).toBe('string');
    });

    it('should follow another configured lifetime', async () => {
      const twoHours = new AccessTokenService(
        jwt,
        users as unknown as UserAccountsService,
        configWith('2h'),
      );

      const issued = await twoHours.issue(user);

      expect(issued.expiresIn).toBe(7200);
      const claims = jwt.decode<{ iat: number; exp: number }>(issued.accessToken);
      expect(claims.exp - claims.iat).toBe(7200);
    });

    it('should carry the account id and its token version', async () => {
      const issued = await service.issue(user);

      expect(jwt.decode(issued.accessToken)).toMatchObject({ sub: user.id, ver: 3 });
    });
  });

  describe('authenticate', () => {
    it('should return the account behind a token it issued', async () => {
      const { accessToken } = await service.issue(user);

      await expect(service.authenticate(accessToken)).resolves.toBe(user);
    });

    it("should refuse a token once the account's token version has moved on", async () => {
      const { accessToken } = await service.issue(user);
      user.tokenVersion += 1;

      await expectUnauthenticated(service.authenticate(accessToken));
    });

    it('should refuse a token whose account no longer exists', async () => {
      const { accessToken } = await service.issue(user);
      users.accounts.delete(user.id);

      await expectUnauthenticated(service.authenticate(accessToken));
    });

    it('should refuse a token signed with another secret', async () => {
      const forger = new JwtService({ secret: 'y'.repeat(32) });
      const forged = await forger.signAsync({ sub: user.id, ver: user.tokenVersion });

      await expectUnauthenticated(service.authenticate(forged));
    });

    it('should refuse a token signed with another algorithm', async () => {
      const hs512 = await jwt.signAsync(
        { sub: user.id, ver: user.tokenVersion },
        { algorithm: 'HS512' },
      );

      await expectUnauthenticated(service.authenticate(hs512));
    });

    it('should refuse a token whose claims have the wrong types', async () => {
      const odd = await jwt.signAsync({ sub: user.id, ver: String(user.tokenVersion) });

      await expectUnauthenticated(service.authenticate(odd));
    });

    it.each(['', 'garbage', 'not.a.jwt', 'eyJhbGciOiJIUzI1NiJ9.e30.'])(
      'should refuse the garbage token %p',
      async (token) => {
        await expectUnauthenticated(service.authenticate(token));
      },
    );

    it('should accept a token until it expires and refuse it afterwards', async () => {
      const issuedAt = Date.parse('2025-06-01T12:00:00Z');
      const clock = jest.spyOn(Date, 'now').mockReturnValue(issuedAt);
      const { accessToken, expiresIn } = await service.issue(user);

      clock.mockReturnValue(issuedAt + (expiresIn - 1) * 1000);
      await expect(service.authenticate(accessToken)).resolves.toBe(user);

      clock.mockReturnValue(issuedAt + (expiresIn + 1) * 1000);
      await expectUnauthenticated(service.authenticate(accessToken));
    });
  });
});

describe(createJwtService.name, () => {
  const claims = { sub: 'user-1', ver: 0 };
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function settingsWith(secret?: string): PasswordResetSettings {
    return resolvePasswordResetOptions(
      { frontendUrl: 'https://app.example.com', jwt: { secret } },
      true,
    );
  }

  it('should sign HS256 with the configured secret, without a warning', async () => {
    const jwt = createJwtService(settingsWith(SECRET));

    const token = await jwt.signAsync(claims);

    expect(jwt.decode<Record<string, unknown>>(token, { complete: true })).toMatchObject({
      header: { alg: 'HS256' },
    });
    await expect(
      new JwtService({ secret: SECRET }).verifyAsync(token, { algorithms: ['HS256'] }),
    ).resolves.toMatchObject(claims);
    expect(warn).not.toHaveBeenCalled();
  });

  it('should warn once and still sign and verify with a random secret when none is configured', async () => {
    const jwt = createJwtService(settingsWith(undefined));

    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('No jwt.secret configured');
    const token = await jwt.signAsync(claims);
    await expect(jwt.verifyAsync(token, { algorithms: ['HS256'] })).resolves.toMatchObject(claims);
  });

  it('should pick a different random secret each time: its tokens do not verify elsewhere', async () => {
    const first = createJwtService(settingsWith(undefined));
    const second = createJwtService(settingsWith(undefined));

    const token = await first.signAsync(claims);

    await expect(second.verifyAsync(token)).rejects.toThrow();
  });
});
