import { randomBytes } from 'node:crypto';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { BUILT_IN_FRONTEND_URL, BuiltInUsersHostModule } from './support/built-in-host.module';
import { HOST_FRONTEND_URL, HOST_PREFIX, useHost } from './support/host/start-host';
import { RunningApp, startApp } from './support/start-app';

/** The host's own prefix: the module's routes are /identity/auth/… and /identity/users/me. */
const PREFIX = 'identity';

describe("The module's headers under a host's prefix", () => {
  let database: TestDatabase;
  let smtp: SmtpTestServer;
  let host: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    smtp = await new SmtpTestServer().start();
    // Nest's default parsers, JSON and urlencoded, run before any of the module's middleware.
    host = await startApp(
      BuiltInUsersHostModule.forRoot(database, smtp, randomBytes(32).toString('hex')),
      { globalPrefix: PREFIX },
    );
  });

  afterAll(async () => {
    await host?.close();
    await smtp?.stop();
    await database?.drop();
  });

  it("should forbid storing the module's refusal of a body that is not JSON", async () => {
    for (const [method, path] of [
      ['post', `/${PREFIX}/auth/forgot-password`],
      ['post', `/${PREFIX}/auth/login`],
      ['delete', `/${PREFIX}/users/me`],
    ] as const) {
      const answer = await host
        .http()
        [method](path)
        .type('form')
        .send({ email: 'someone@example.com' })
        .expect(415);

      expect(answer.headers['cache-control']).toBe('no-store');
    }
  });

  it("should answer a browser's preflight from the origin of frontendUrl, and no other", async () => {
    for (const path of [`/${PREFIX}/auth/forgot-password`, `/${PREFIX}/users/me`]) {
      const allowed = await host
        .http()
        .options(path)
        .set('Origin', BUILT_IN_FRONTEND_URL)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type')
        .expect(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(BUILT_IN_FRONTEND_URL);
      expect(allowed.headers.vary).toMatch(/\bOrigin\b/);

      const other = await host
        .http()
        .options(path)
        .set('Origin', 'https://elsewhere.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    }
    const answer = await host
      .http()
      .post(`/${PREFIX}/auth/forgot-password`)
      .set('Origin', BUILT_IN_FRONTEND_URL)
      .send({ email: 'someone@example.com' })
      .expect(202);
    expect(answer.headers['access-control-allow-origin']).toBe(BUILT_IN_FRONTEND_URL);
  });

  it("should not answer for the host's other paths", async () => {
    const answer = await host
      .http()
      .options(`/${PREFIX}/auth/something-of-the-host`)
      .set('Origin', BUILT_IN_FRONTEND_URL)
      .set('Access-Control-Request-Method', 'POST');

    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe("The module's headers in a host with its own users", () => {
  const ctx = useHost('sqlite');

  it('should answer the preflight of its own routes only', async () => {
    const preflight = (path: string) =>
      ctx.host
        .http()
        .options(`${HOST_PREFIX}${path}`)
        .set('Origin', HOST_FRONTEND_URL)
        .set('Access-Control-Request-Method', 'POST');

    const allowed = await preflight('/auth/forgot-password').expect(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(HOST_FRONTEND_URL);
    // The built-in accounts are not mounted here, and neither is anything for their paths.
    for (const path of ['/auth/login', '/auth/register', '/users/me', '/echo']) {
      expect((await preflight(path)).headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it("should leave paths it does not serve to the host, with the host's body parsers", async () => {
    await ctx.host
      .http()
      .post(`${HOST_PREFIX}/auth/register`)
      .type('form')
      .send({ email: 'someone@example.com' })
      .expect(404);
  });
});
