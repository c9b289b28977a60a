import type { Response } from 'supertest';
import { login, registerUser } from '../support/factories';
import { FRONTEND_URL, TestContext, useTestApp } from '../support/test-app';

/** Every route of the module, with the method a browser would preflight for it. */
const MODULE_ROUTES = [
  ['POST', '/auth/register'],
  ['POST', '/auth/login'],
  ['POST', '/auth/forgot-password'],
  ['POST', '/auth/reset-password/verify'],
  ['POST', '/auth/reset-password'],
  ['POST', '/auth/change-password'],
  ['GET', '/users/me'],
  ['PATCH', '/users/me'],
  ['DELETE', '/users/me'],
] as const;

const OTHER_ORIGIN = 'https://elsewhere.example';

/** What a browser sends before a cross-origin JSON call with a bearer token. */
function preflight(ctx: TestContext, path: string, origin: string, method = 'POST') {
  return ctx.app
    .http()
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', 'authorization,content-type');
}

function forgotPassword(ctx: TestContext, origin: string) {
  return ctx.app
    .http()
    .post('/auth/forgot-password')
    .set('Origin', origin)
    .send({ email: 'someone@example.com' })
    .expect(202);
}

function expectAllowed(answer: Response, origin: string): void {
  expect(answer.headers['access-control-allow-origin']).toBe(origin);
  expect(answer.headers.vary).toMatch(/\bOrigin\b/);
  // Bearer tokens, not cookies: a browser must never send credentials along.
  expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
}

function expectNotAllowed(answer: Response): void {
  expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
}

describe('CORS, by default for the origin of FRONTEND_URL', () => {
  const ctx = useTestApp('sqlite');

  it.each(MODULE_ROUTES)('should answer the preflight of %s %s with 204', async (method, path) => {
    const answer = await preflight(ctx, path, FRONTEND_URL, method).expect(204);

    expectAllowed(answer, FRONTEND_URL);
    expect(answer.headers['access-control-allow-methods']).toContain(method);
    expect(answer.headers['access-control-allow-headers']?.toLowerCase()).toContain(
      'authorization',
    );
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('should let that origin read the answers, errors and limits included', async () => {
    expectAllowed(await forgotPassword(ctx, FRONTEND_URL), FRONTEND_URL);
    const user = await registerUser(ctx.app);
    const token = await login(ctx.app, user.email, user.password);
    const me = await ctx.app
      .http()
      .get('/users/me')
      .set('Origin', FRONTEND_URL)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expectAllowed(me, FRONTEND_URL);
    const refused = await ctx.app.http().get('/users/me').set('Origin', FRONTEND_URL).expect(401);
    expectAllowed(refused, FRONTEND_URL);
    expect(refused.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('should give any other origin no Access-Control-Allow-Origin', async () => {
    for (const [method, path] of MODULE_ROUTES) {
      expectNotAllowed(await preflight(ctx, path, OTHER_ORIGIN, method));
    }
    expectNotAllowed(await preflight(ctx, '/auth/login', `${FRONTEND_URL}.evil.example`));
    expectNotAllowed(await forgotPassword(ctx, OTHER_ORIGIN));
  });

  it("should leave the service's own routes to the same origin", async () => {
    const health = await ctx.app.http().get('/health').set('Origin', FRONTEND_URL).expect(200);

    expectNotAllowed(health);
  });
});

describe('CORS with CORS_ORIGINS=none', () => {
  const ctx = useTestApp('sqlite', { CORS_ORIGINS: 'none' });

  it('should answer no origin, not even that of FRONTEND_URL', async () => {
    expectNotAllowed(await preflight(ctx, '/auth/forgot-password', FRONTEND_URL));
    expectNotAllowed(await forgotPassword(ctx, FRONTEND_URL));
  });
});

describe('CORS with a list in CORS_ORIGINS', () => {
  const ctx = useTestApp('sqlite', {
    CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
  });

  it('should allow exactly the origins listed', async () => {
    for (const origin of ['https://app.example.com', 'http://localhost:5173']) {
      expectAllowed(await preflight(ctx, '/auth/login', origin).expect(204), origin);
      expectAllowed(await forgotPassword(ctx, origin), origin);
    }
    for (const origin of [FRONTEND_URL, 'http://localhost:5174', 'https://app.example.com:8443']) {
      expectNotAllowed(await preflight(ctx, '/auth/login', origin));
      expectNotAllowed(await forgotPassword(ctx, origin));
    }
  });
});
