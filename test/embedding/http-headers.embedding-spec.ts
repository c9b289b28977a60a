import { randomBytes } from 'node:crypto';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { BuiltInUsersHostModule } from './support/built-in-host.module';
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
});
