import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import type { Response, Test } from 'supertest';
import {
  newEmail,
  OTHER_STRONG_PASSWORD,
  registerUser,
  STRONG_PASSWORD,
} from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { createTestApp, TestApp, TestAppOptions, useTestApp } from '../support/test-app';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

/** Well-formed but never issued, so reset and verify answer 400 once past the throttle. */
const UNKNOWN_TOKEN = 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0';
const WRONG_PASSWORD = 'not the password at all, sorry';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const REDIS_KEY_PREFIX = 'nest-password-reset:throttle:';

/** One route under one of the named per-IP limits, and what it answers once past the throttle. */
interface LimitedRoute {
  /** The prefix of its `<PREFIX>_LIMIT` and `<PREFIX>_WINDOW_SECONDS` variables. */
  variable: 'FORGOT_PASSWORD' | 'LOGIN' | 'RESET_PASSWORD' | 'REGISTER' | 'CHANGE_PASSWORD';
  method?: 'post' | 'delete';
  path: string;
  /** A fresh body per call, so no other limit (per-address lock, duplicate email) interferes. */
  body: () => object;
  status: number;
  /** Distinct per limit, so a Retry-After can only fit under its own window. */
  windowSeconds: number;
}

const LIMITED_ROUTES: LimitedRoute[] = [
  {
    variable: 'FORGOT_PASSWORD',
    path: '/auth/forgot-password',
    body: () => ({ email: newEmail() }),
    status: 202,
    windowSeconds: 300,
  },
  {
    variable: 'LOGIN',
    path: '/auth/login',
    body: () => ({ email: newEmail(), password: WRONG_PASSWORD }),
    status: 401,
    windowSeconds: 600,
  },
  {
    variable: 'RESET_PASSWORD',
    path: '/auth/reset-password',
    body: () => ({ token: UNKNOWN_TOKEN, newPassword: OTHER_STRONG_PASSWORD }),
    status: 400,
    windowSeconds: 900,
  },
  {
    variable: 'RESET_PASSWORD',
    path: '/auth/reset-password/verify',
    body: () => ({ token: UNKNOWN_TOKEN }),
    status: 400,
    windowSeconds: 900,
  },
  {
    variable: 'REGISTER',
    path: '/auth/register',
    body: () => ({ email: newEmail(), password: STRONG_PASSWORD }),
    status: 201,
    windowSeconds: 1200,
  },
  // Signed-in routes: the per-IP limit comes before the token check, so even 401s count.
  {
    variable: 'CHANGE_PASSWORD',
    path: '/auth/change-password',
    body: () => ({ currentPassword: WRONG_PASSWORD, newPassword: OTHER_STRONG_PASSWORD }),
    status: 401,
    windowSeconds: 1500,
  },
  {
    variable: 'CHANGE_PASSWORD',
    method: 'delete',
    path: '/users/me',
    body: () => ({ password: WRONG_PASSWORD }),
    status: 401,
    windowSeconds: 1500,
  },
];

function route(path: string): LimitedRoute {
  const found = LIMITED_ROUTES.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`No limited route ${path}`);
  return found;
}

/** The variables that put `route`'s limit at `limit` requests per its window. */
function limitEnv(limited: LimitedRoute, limit: number): Record<string, string> {
  return {
    [`${limited.variable}_LIMIT`]: String(limit),
    [`${limited.variable}_WINDOW_SECONDS`]: String(limited.windowSeconds),
  };
}

function send(app: TestApp, limited: LimitedRoute, forwardedFor?: string): Promise<Response> {
  const headers = forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor };
  return app.http()[limited.method ?? 'post'](limited.path).set(headers).send(limited.body());
}

/** Sends `count` requests one after the other and checks each got past the throttle. */
async function expectPasses(
  app: TestApp,
  limited: LimitedRoute,
  count: number,
  forwardedFor?: string,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await send(app, limited, forwardedFor);
    expect(response.status).toBe(limited.status);
  }
}

function expectThrottled(response: Response, windowSeconds: number): void {
  expect(response.status).toBe(429);
  const retryAfter = response.headers['retry-after'] as string | undefined;
  expect(retryAfter).toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
  expect(response.body.statusCode).toBe(429);
  // The same shape as every other error answer.
  expect(response.body.error).toBe('Too Many Requests');
  expect(response.body.message).toMatch(/try again in (\d+) seconds/i);
  expect(response.body.message).toContain(`${seconds} seconds`);
}

function rateLimitHeaders(response: Response): string[] {
  return Object.keys(response.headers).filter((name) => /^x-ratelimit/i.test(name));
}

/** Apps started by one test, all closed after it: each starts with its own empty throttle storage. */
class ScenarioApps {
  private readonly open: TestApp[] = [];

  async start(options: TestAppOptions): Promise<TestApp> {
    const app = await createTestApp(options);
    this.open.push(app);
    return app;
  }

  async closeAll(): Promise<void> {
    for (const app of this.open.splice(0)) await app.close();
  }
}

describe('Per-IP limits over HTTP (sqlite)', () => {
  // The counts live in memory, so one database kind is enough.
  let database: TestDatabase;
  const apps = new ScenarioApps();

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });

  afterEach(() => apps.closeAll());

  afterAll(async () => {
    await database?.drop();
  });

  describe('each named limit', () => {
    it.each(LIMITED_ROUTES.map((limited) => [limited.path, limited] as const))(
      'should let %s through 3 times at a limit of 3, then answer 429 with Retry-After',
      async (_path, limited) => {
        const app = await apps.start({ database, env: limitEnv(limited, 3) });
        await expectPasses(app, limited, 3);
        expectThrottled(await send(app, limited), limited.windowSeconds);
      },
    );

    it('should keep answering 429 once the limit is reached', async () => {
      const limited = route('/auth/login');
      const app = await apps.start({ database, env: limitEnv(limited, 2) });
      await expectPasses(app, limited, 2);
      expectThrottled(await send(app, limited), limited.windowSeconds);
      expectThrottled(await send(app, limited), limited.windowSeconds);
    });
  });

  describe('buckets', () => {
    it.each([
      ['2 verify + 1 reset', '/auth/reset-password/verify', '/auth/reset-password'],
      ['2 reset + 1 verify', '/auth/reset-password', '/auth/reset-password/verify'],
    ])(
      'should count reset and verify in one bucket (%s, then the first again is refused)',
      async (_name, firstPath, secondPath) => {
        const first = route(firstPath);
        const second = route(secondPath);
        const app = await apps.start({ database, env: limitEnv(first, 3) });
        await expectPasses(app, first, 2);
        await expectPasses(app, second, 1);
        // Only 2 requests went to this route: the 429 comes from the other route's request.
        expectThrottled(await send(app, first), first.windowSeconds);
        expectThrottled(await send(app, second), second.windowSeconds);
      },
    );

    it('should not count a route under one limit towards another', async () => {
      const login = route('/auth/login');
      const others = LIMITED_ROUTES.filter((limited) => limited.variable !== 'LOGIN');
      const env = Object.assign(
        {},
        ...LIMITED_ROUTES.map((limited) => limitEnv(limited, 2)),
      ) as Record<string, string>;
      const app = await apps.start({ database, env });

      await expectPasses(app, login, 2);
      expectThrottled(await send(app, login), login.windowSeconds);

      // Each of the others still has its whole allowance (forgot-password, reset + verify, register,
      // change-password + delete).
      await expectPasses(app, route('/auth/forgot-password'), 2);
      await expectPasses(app, route('/auth/reset-password'), 1);
      await expectPasses(app, route('/auth/reset-password/verify'), 1);
      await expectPasses(app, route('/auth/register'), 2);
      await expectPasses(app, route('/auth/change-password'), 1);
      await expectPasses(app, route('/users/me'), 1);
      for (const limited of others)
        expectThrottled(await send(app, limited), limited.windowSeconds);
    });
  });

  describe('headers', () => {
    it('should send no rate-limit counters with forgot-password, so two answers are identical', async () => {
      const forgot = route('/auth/forgot-password');
      const app = await apps.start({ database, env: limitEnv(forgot, 5) });
      const user = await registerUser(app);

      const known = await app.http().post(forgot.path).send({ email: user.email }).expect(202);
      const unknown = await app.http().post(forgot.path).send({ email: newEmail() }).expect(202);

      expect(rateLimitHeaders(known)).toEqual([]);
      expect(rateLimitHeaders(unknown)).toEqual([]);
      expect(unknown.body).toEqual(known.body);
      const withoutDate = (response: Response) => {
        const headers = { ...(response.headers as Record<string, string>) };
        delete headers.date;
        return headers;
      };
      expect(withoutDate(unknown)).toEqual(withoutDate(known));
    });

    it('should send only a plain Retry-After with a 429, no counters', async () => {
      const forgot = route('/auth/forgot-password');
      const app = await apps.start({ database, env: limitEnv(forgot, 1) });
      await expectPasses(app, forgot, 1);
      const refused = await send(app, forgot);
      expectThrottled(refused, forgot.windowSeconds);
      expect(rateLimitHeaders(refused)).toEqual([]);
      expect(Object.keys(refused.headers).filter((name) => /^retry-after-/i.test(name))).toEqual(
        [],
      );
    });
  });

  describe('X-Forwarded-For', () => {
    const forgot = route('/auth/forgot-password');

    it('should ignore X-Forwarded-For without TRUST_PROXY, so rotating it does not reset the count', async () => {
      const app = await apps.start({ database, env: limitEnv(forgot, 3) });
      for (let i = 1; i <= 3; i++) await expectPasses(app, forgot, 1, `198.51.100.${i}`);
      expectThrottled(await send(app, forgot, '198.51.100.4'), forgot.windowSeconds);
      expectThrottled(await send(app, forgot, '203.0.113.99'), forgot.windowSeconds);
    });

    it('should count a client behind one trusted proxy by the address the proxy saw, whatever it forges', async () => {
      const app = await apps.start({ database, env: { ...limitEnv(forgot, 3), TRUST_PROXY: '1' } });

      // The proxy appends the real client (198.51.100.1); the forged entries to its left change each time.
      for (let i = 1; i <= 3; i++) {
        await expectPasses(app, forgot, 1, `203.0.113.${i}, 198.51.100.1`);
      }
      expectThrottled(await send(app, forgot, '203.0.113.99, 198.51.100.1'), forgot.windowSeconds);

      // Another client is counted on its own...
      await expectPasses(app, forgot, 1, '198.51.100.2');
      // ...and the blocked one cannot borrow its allowance by forging its address.
      expectThrottled(await send(app, forgot, '198.51.100.2, 198.51.100.1'), forgot.windowSeconds);
      // Nor did that forged request count against 198.51.100.2, which has 2 of 3 left.
      await expectPasses(app, forgot, 2, '198.51.100.2');
      expectThrottled(await send(app, forgot, '198.51.100.2'), forgot.windowSeconds);
    });
  });
});

/**
 * Why Redis cannot be used, or undefined when it answers PING. Jest decides which tests are skipped
 * while it collects them, synchronously, so the probe runs in a child process with a short timeout.
 */
function probeRedis(url: string): string | undefined {
  const script = `
    const Redis = require(${JSON.stringify(require.resolve('ioredis'))});
    const client = new Redis(process.argv[1], {
      lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null,
    });
    let cause;
    client.on('error', (error) => { cause = cause ?? error; });
    client.connect().then(() => client.ping()).then(
      () => { client.disconnect(); process.exit(0); },
      (error) => { console.error((cause ?? error).message); process.exit(1); },
    );`;
  const result = spawnSync(process.execPath, ['-e', script, url], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  if (result.status === 0) return undefined;
  return result.error?.message ?? (result.stderr.trim() || `probe exited with ${result.status}`);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:[redacted]@');
}

const redisProblem = probeRedis(REDIS_URL);
// CI starts Redis, so there the suite runs and fails loudly; elsewhere it is skipped, saying why.
const skipRedis = redisProblem !== undefined && !process.env.CI;
if (skipRedis) {
  console.warn(
    `Redis suite skipped: ${redactUrl(REDIS_URL)} did not answer PING (${redisProblem}). ` +
      'Start Redis or set TEST_REDIS_URL to run it.',
  );
}
const itWithRedis = skipRedis ? it.skip : it;

describe.each(databaseKinds())('Per-IP limits shared through Redis (%s)', (kind) => {
  let database: TestDatabase;
  let redis: Redis | undefined;
  const apps = new ScenarioApps();

  beforeAll(async () => {
    if (skipRedis) return;
    if (redisProblem) throw new Error(`Redis is required in CI: ${redisProblem}`);
    database = await createTestDatabase(kind);
    redis = new Redis(REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 1,
    });
    await redis.connect();
    // Counts from earlier runs would otherwise still be there.
    await redis.flushdb();
  });

  afterAll(async () => {
    await apps.closeAll();
    await redis?.quit();
    await database?.drop();
  });

  itWithRedis('should hold one limit across two instances', async () => {
    const forgot = route('/auth/forgot-password');
    const env = { ...limitEnv(forgot, 3), REDIS_URL };
    const first = await apps.start({ database, env });
    const second = await apps.start({ database, env });

    await expectPasses(first, forgot, 2);
    await expectPasses(second, forgot, 1);
    expectThrottled(await send(second, forgot), forgot.windowSeconds);
    expectThrottled(await send(first, forgot), forgot.windowSeconds);

    const keys = await redis!.keys(`${REDIS_KEY_PREFIX}*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});

describe.each(databaseKinds())('Per-address login lock over HTTP (%s)', (kind) => {
  const MAX_FAILURES = 3;
  // LOGIN_LIMIT stays at the test default (10000): every refusal here is the per-address lock's.
  const ctx = useTestApp(kind, { LOGIN_MAX_FAILURES: String(MAX_FAILURES) });

  function attempt(email: string, password: string): Test {
    return ctx.app.http().post('/auth/login').send({ email, password });
  }

  /** Fails `times` logins for `email` and returns the last answer. */
  async function fail(email: string, times: number): Promise<Response> {
    let last: Response | undefined;
    for (let i = 0; i < times; i++) {
      last = await attempt(email, WRONG_PASSWORD);
      expect(last.status).toBe(401);
    }
    return last!;
  }

  /** The parts of an answer a client can see, minus the date. */
  function visible(response: Response): unknown {
    return {
      status: response.status,
      body: response.body,
      authenticate: response.headers['www-authenticate'],
    };
  }

  it('should let the right password in after one failure fewer than the limit', async () => {
    const user = await registerUser(ctx.app);
    await fail(user.email, MAX_FAILURES - 1);
    await attempt(user.email, user.password).expect(200);
  });

  it('should refuse the right password with the wrong-password answer once the limit is reached', async () => {
    const user = await registerUser(ctx.app);
    const wrong = await fail(user.email, MAX_FAILURES);

    const right = await attempt(user.email, user.password);
    expect(right.status).toBe(401);
    expect(visible(right)).toEqual(visible(wrong));
    expect(right.body.accessToken).toBeUndefined();
  });

  it('should count every spelling of an address towards one lock', async () => {
    const user = await registerUser(ctx.app);
    const [local, domain] = user.email.split('@');
    await attempt(` ${local.toUpperCase()}@${domain}`, WRONG_PASSWORD).expect(401);
    await attempt(`${local}@${domain.toUpperCase()}`, WRONG_PASSWORD).expect(401);
    await attempt(user.email, WRONG_PASSWORD).expect(401);
    await attempt(user.email, user.password).expect(401);
  });

  it('should lock an unknown address after the same number of failures, with the same answer', async () => {
    const known = await registerUser(ctx.app);
    await fail(known.email, MAX_FAILURES);
    const lockedKnown = await attempt(known.email, known.password);

    // One failure short of the limit: once the address gets an account, its password works.
    const almost = newEmail('unknown');
    await fail(almost, MAX_FAILURES - 1);
    await registerUser(ctx.app, almost);
    await attempt(almost, STRONG_PASSWORD).expect(200);

    // At the limit: locked like the known address, before and after it gets an account.
    const locked = newEmail('unknown');
    await fail(locked, MAX_FAILURES);
    const lockedUnknown = await attempt(locked, WRONG_PASSWORD);
    expect(visible(lockedUnknown)).toEqual(visible(lockedKnown));
    await registerUser(ctx.app, locked);
    const lockedNowKnown = await attempt(locked, STRONG_PASSWORD);
    expect(visible(lockedNowKnown)).toEqual(visible(lockedKnown));
  });

  it('should not let a guess past LOGIN_MAX_FAILURES in when guesses arrive together', async () => {
    const user = await registerUser(ctx.app);
    // The right password is the last of 20 simultaneous guesses: only the first MAX_FAILURES counted
    // may be checked. Last, not just past the limit: on PostgreSQL requests sent together are counted
    // in roughly the order they were sent, and neighbours can swap places.
    const guesses = Array.from({ length: 20 }, (_, i) =>
      i === 19 ? user.password : `wrong guess ${i}`,
    );
    const responses = await Promise.all(guesses.map((password) => attempt(user.email, password)));
    expect(responses[19].status).toBe(401);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(0);
  });

  it('should leave other addresses from the same IP unaffected', async () => {
    const victim = await registerUser(ctx.app);
    const neighbour = await registerUser(ctx.app);
    await fail(victim.email, MAX_FAILURES);
    await attempt(victim.email, victim.password).expect(401);
    await attempt(neighbour.email, neighbour.password).expect(200);
  });

  it('should lift the lock when the owner resets the password from the email', async () => {
    const user = await registerUser(ctx.app);
    await fail(user.email, MAX_FAILURES);
    await attempt(user.email, user.password).expect(401);

    await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    const [mail] = await ctx.smtp.waitForMail(user.email);
    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token: extractResetToken(mail), newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);

    const response = await attempt(user.email, OTHER_STRONG_PASSWORD).expect(200);
    expect(response.body.accessToken).toEqual(expect.any(String));
  });
});
