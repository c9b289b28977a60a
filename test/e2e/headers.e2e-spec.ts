import type { Response } from 'supertest';
import { login, registerUser } from '../support/factories';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, TestApp, useTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** What helmet's defaults put on every answer. */
function expectSecurityHeaders(response: Response): void {
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  expect(response.headers['content-security-policy']).toContain("frame-ancestors 'self'");
  expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['x-powered-by']).toBeUndefined();
}

describe('Response headers', () => {
  const ctx = useTestApp('sqlite', { LOGIN_LIMIT: '2', LOGIN_WINDOW_SECONDS: '600' });

  it('should put the security headers on every kind of answer', async () => {
    const answers = [
      await ctx.app.http().get('/health'),
      await ctx.app.http().get('/no/such/route'),
      await ctx.app.http().post('/auth/forgot-password').send({ email: 'a@example.com' }),
      await ctx.app.http().post('/auth/register').send({ email: 'not an email' }),
      await ctx.app.http().get('/users/me'),
      await ctx.app.http().get('/docs-json'),
    ];
    for (const answer of answers) expectSecurityHeaders(answer);
  });

  it('should forbid storing any /auth or /users answer, errors and 429s included', async () => {
    const user = await registerUser(ctx.app);
    const token = await login(ctx.app, user.email, user.password);
    const answers = [
      await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }),
      await ctx.app.http().post('/auth/register').send({}),
      await ctx.app.http().get('/users/me').auth(token, { type: 'bearer' }),
      await ctx.app.http().get('/users/me'),
      await ctx.app.http().post('/auth/login').send({ email: user.email, password: 'wrong one!' }),
      await ctx.app.http().post('/auth/login').send({ email: user.email, password: 'wrong one!' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([202, 400, 200, 401, 401, 429]);
    for (const answer of answers) expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('should forbid storing the refusals made before any route: 413, 415, malformed JSON', async () => {
    const oversized = JSON.stringify({ email: `${'a'.repeat(200_000)}@example.com` });
    for (const [method, path] of [
      ['post', '/auth/login'],
      ['post', '/auth/forgot-password'],
      ['delete', '/users/me'],
    ] as const) {
      const send = () => ctx.app.http()[method](path);
      const answers = [
        await send().set('Content-Type', 'application/json').send(oversized),
        await send().set('Content-Type', 'text/plain').send('email=a@example.com'),
        await send().set('Content-Type', 'application/json').send('{"email":'),
      ];

      expect(answers.map((answer) => answer.status)).toEqual([413, 415, 400]);
      for (const answer of answers) expect(answer.headers['cache-control']).toBe('no-store');
    }
  });

  it('should forbid storing an answer under /auth or /users that no route gives', async () => {
    for (const path of ['/auth/nowhere', '/users/someone']) {
      const answer = await ctx.app.http().get(path).expect(404);

      expect(answer.headers['cache-control']).toBe('no-store');
    }
  });

  it('should serve Swagger UI and its document outside production', async () => {
    const page = await ctx.app.http().get('/docs').redirects(1).expect(200);
    expect(page.text).toContain('swagger-ui');
    await ctx.app.http().get('/docs-json').expect(200);
  });
});

describe('Swagger in production', () => {
  let database: TestDatabase;
  let smtp: SmtpTestServer;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    smtp = await new SmtpTestServer().start();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await smtp.stop();
    await database.drop();
  });

  async function productionApp(env: Record<string, string> = {}): Promise<TestApp> {
    const app = await createTestApp({ database, smtp, env: { NODE_ENV: 'production', ...env } });
    apps.push(app);
    return app;
  }

  it('should not serve Swagger UI or /docs-json unless SWAGGER_ENABLED=true', async () => {
    const app = await productionApp();

    await app.http().get('/docs').expect(404);
    await app.http().get('/docs-json').expect(404);
  });

  it('should serve them in production with SWAGGER_ENABLED=true', async () => {
    const app = await productionApp({ SWAGGER_ENABLED: 'true' });

    await app.http().get('/docs').redirects(1).expect(200);
    await app.http().get('/docs-json').expect(200);
  });
});
