import type { Response } from 'supertest';
import { BREACH_CHECK_TIMEOUT_MS } from '../../src/passwords/breached/breached-password-checker';
import {
  login,
  newEmail,
  OTHER_STRONG_PASSWORD,
  registerUser,
  STRONG_PASSWORD,
} from '../support/factories';
import { PwnedRangeServer, sha1Hex } from '../support/pwned-range-server';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  type DatabaseKind,
  databaseKinds,
  type TestDatabase,
} from '../support/test-database';

/** Strong enough for zxcvbn, and listed by the local range server as seen in breaches. */
const BREACHED = 'granite walrus composes lunar sonnets';
const WARNING = 'Breached-password check not done';

interface BreachContext {
  range: PwnedRangeServer;
  smtp: SmtpTestServer;
  app: TestApp;
}

/** The service pointed at a local range server (started first, so its URL is known). */
function useBreachAwareApp(kind: DatabaseKind, env: Record<string, string> = {}): BreachContext {
  const context = {} as BreachContext;
  let database: TestDatabase;
  beforeAll(async () => {
    context.range = await new PwnedRangeServer().breach(BREACHED, 42).start();
    database = await createTestDatabase(kind);
    context.smtp = await new SmtpTestServer().start();
    context.app = await createTestApp({
      database,
      smtp: context.smtp,
      env: { PWNED_PASSWORDS_URL: context.range.url, ...env },
    });
  });
  afterAll(async () => {
    await context.app?.close();
    await context.smtp?.stop();
    await database?.drop();
    await context.range?.stop();
  });
  beforeEach(() => {
    context.range.delayMs = 0;
    context.range.status = 200;
  });
  return context;
}

function expectBreachRefusal(response: Response): void {
  expect(response.status).toBe(400);
  expect(response.body.code).toBe('WEAK_PASSWORD');
  expect(response.body.message).toMatch(/known data breaches.*Choose a different one/);
}

/** Asks for a reset link and returns the token from the email that arrives. */
async function resetToken(ctx: BreachContext, email: string): Promise<string> {
  const before = ctx.smtp.received.length;
  await ctx.app.http().post('/auth/forgot-password').send({ email }).expect(202);
  const mails = await ctx.smtp.waitForMail(email, 1);
  expect(ctx.smtp.received.length).toBeGreaterThan(before);
  return extractResetToken(mails[mails.length - 1]);
}

const warnings = (app: TestApp) => app.logger.lines.filter((line) => line.includes(WARNING));

describe.each(databaseKinds())('Breached passwords refused (%s)', (kind) => {
  const ctx = useBreachAwareApp(kind);

  it('should refuse a breached password at register, saying it appeared in breaches', async () => {
    const response = await ctx.app
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password: BREACHED });

    expectBreachRefusal(response);
  });

  it("should say so in the request's language", async () => {
    const response = await ctx.app
      .http()
      .post('/auth/register')
      .set('Accept-Language', 'de-AT, en;q=0.5')
      .send({ email: newEmail(), password: BREACHED })
      .expect(400);

    expect(response.body.code).toBe('WEAK_PASSWORD');
    expect(response.body.message).toMatch(/^Dieses Passwort ist in bekannten Datenlecks/);
  });

  it('should refuse a breached password at reset-password, and take another', async () => {
    const user = await registerUser(ctx.app);
    const token = await resetToken(ctx, user.email);

    expectBreachRefusal(
      await ctx.app.http().post('/auth/reset-password').send({ token, newPassword: BREACHED }),
    );
    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
  });

  it('should refuse a breached password at change-password', async () => {
    const user = await registerUser(ctx.app);
    const accessToken = await login(ctx.app, user.email, user.password);

    expectBreachRefusal(
      await ctx.app
        .http()
        .post('/auth/change-password')
        .auth(accessToken, { type: 'bearer' })
        .send({ currentPassword: user.password, newPassword: BREACHED }),
    );
    await login(ctx.app, user.email, user.password);
  });

  it('should have sent the range server only 5-character prefixes, with Add-Padding', () => {
    const hash = sha1Hex(BREACHED);

    expect(ctx.range.requests.length).toBeGreaterThan(0);
    for (const request of ctx.range.requests) {
      expect(request.path).toMatch(/^\/range\/[0-9A-F]{5}$/);
      expect(request.headers['add-padding']).toBe('true');
    }
    expect(ctx.range.prefixes()).toContain(hash.slice(0, 5));
    expect(JSON.stringify(ctx.range.requests)).not.toContain(hash.slice(5));
    expect(ctx.app.logger.text()).not.toContain(BREACHED);
    expect(ctx.app.logger.text()).not.toContain(hash.slice(0, 5));
  });

  it(`should accept the password with one warning when the range server takes over ${BREACH_CHECK_TIMEOUT_MS} ms`, async () => {
    ctx.range.delayMs = BREACH_CHECK_TIMEOUT_MS + 500;
    const before = warnings(ctx.app).length;

    const started = Date.now();
    await Promise.all(
      [STRONG_PASSWORD, 'cobalt heron paints quiet ferries'].map((password) =>
        ctx.app.http().post('/auth/register').send({ email: newEmail(), password }).expect(201),
      ),
    );
    await ctx.app
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password: 'saffron glacier hums after dusk' })
      .expect(201);

    expect(Date.now() - started).toBeLessThan(3 * BREACH_CHECK_TIMEOUT_MS + 1500);
    expect(warnings(ctx.app).slice(before)).toHaveLength(1);
    expect(warnings(ctx.app)[before]).toMatch(/^warn /);
    expect(warnings(ctx.app)[before]).toContain('127.0.0.1');
  });
});

describe('Breached passwords, failing closed', () => {
  const ctx = useBreachAwareApp('sqlite', { PWNED_PASSWORDS_FAIL_CLOSED: 'true' });

  it('should answer 503 UNAVAILABLE, as documented, when the range server fails', async () => {
    ctx.range.status = 500;

    const response = await ctx.app
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password: OTHER_STRONG_PASSWORD })
      .expect(503);

    const document = (await ctx.app.http().get('/docs-json').expect(200)).body;
    const documented =
      document.paths['/auth/register'].post.responses['503'].content['application/json'].examples
        .breachCheckUnavailable.value;
    expect(response.body).toEqual(documented);
    expect(response.body.code).toBe('UNAVAILABLE');
    expect(response.headers['retry-after']).toBe('1');
    expect(warnings(ctx.app)).toHaveLength(1);
  });

  it('should answer 503 UNAVAILABLE when the range server is too slow', async () => {
    ctx.range.delayMs = BREACH_CHECK_TIMEOUT_MS + 500;

    const response = await ctx.app
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password: OTHER_STRONG_PASSWORD })
      .expect(503);

    expect(response.body.code).toBe('UNAVAILABLE');
  });

  it('should check again once the range server answers', async () => {
    await ctx.app
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password: OTHER_STRONG_PASSWORD })
      .expect(201);
    expectBreachRefusal(
      await ctx.app.http().post('/auth/register').send({ email: newEmail(), password: BREACHED }),
    );
  });
});

describe('Breached passwords, not configured', () => {
  it('should accept a breached password when PWNED_PASSWORDS_URL is unset', async () => {
    const database = await createTestDatabase('sqlite');
    const app = await createTestApp({ database });
    try {
      await app
        .http()
        .post('/auth/register')
        .send({ email: newEmail(), password: BREACHED })
        .expect(201);
      expect(app.logger.text()).not.toContain(WARNING);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
