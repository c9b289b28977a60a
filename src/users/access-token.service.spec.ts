import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { authConfig } from '../config/auth.config';
import { Secret } from '../config/secret';
import { AccessTokenService, durationToSeconds } from './access-token.service';
import { User } from './user.entity';
import type { UsersService } from './users.service';

const SECRET = 'x'.repeat(32);

/** Holds accounts in memory; only `findById` is used by the service under test. */
class FakeUsers {
  readonly accounts = new Map<string, User>();

  findById(id: string): Promise<User | null> {
    return Promise.resolve(this.accounts.get(id) ?? null);
  }
}

function newUser(overrides: Partial<User> = {}): User {
  const now = new Date('2025-01-01T00:00:00Z');
  return Object.assign(new User(), {
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

function configWith(jwtExpiresIn: string): ConfigType<typeof authConfig> {
  return {
    jwtSecret: new Secret(SECRET),
    jwtExpiresIn,
    passwordMinScore: 3,
    argon2: { memoryCost: 1024, timeCost: 2, parallelism: 1 },
  };
}

async function expectUnauthenticated(attempt: Promise<unknown>): Promise<void> {
  const error: unknown = await attempt.then(
    () => {
      throw new Error('Expected the token to be refused');
    },
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(DomainErrorCode.Unauthenticated);
}

describe(durationToSeconds.name, () => {
  it.each([
    ['900', 900],
    ['900s', 900],
    ['15m', 900],
    ['2h', 7200],
    ['7d', 604800],
  ])('should read %s as %i seconds', (value, seconds) => {
    expect(durationToSeconds(value)).toBe(seconds);
  });

  it.each(['', '15x', '1.5h', '-5', '15 m', 'm', '15mm'])(
    'should throw for the malformed duration %p',
    (value) => {
      expect(() => durationToSeconds(value)).toThrow(`Not a duration: ${value}`);
    },
  );
});

describe(AccessTokenService.name, () => {
  const jwt = new JwtService({ secret: SECRET });
  let users: FakeUsers;
  let service: AccessTokenService;
  let user: User;

  beforeEach(() => {
    users = new FakeUsers();
    user = newUser({ tokenVersion: 3 });
    users.accounts.set(user.id, user);
    service = new AccessTokenService(jwt, users as unknown as UsersService, configWith('15m'));
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
        users as unknown as UsersService,
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
