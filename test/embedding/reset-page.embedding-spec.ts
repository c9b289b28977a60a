import { DynamicModule, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { PasswordResetModule, PasswordResetModuleOptions } from '../../src';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { testModuleOptions } from './support/module-options';
import { RunningApp, startApp } from './support/start-app';
import { builtInHostImports } from './support/built-in-host-imports';

/** A host with the built-in users that chooses whether to serve the reference page. */
@Module({})
class ResetPageHostModule {
  static forRoot(database: TestDatabase, options: Partial<PasswordResetModuleOptions>) {
    return {
      module: ResetPageHostModule,
      imports: [
        ...builtInHostImports(database),
        PasswordResetModule.forRootAsync({
          useFactory: () => ({
            ...testModuleOptions({
              frontendUrl: 'https://id.host.example',
              jwtSecret: randomBytes(32).toString('hex'),
            }),
            ...options,
          }),
        }),
      ],
    } satisfies DynamicModule;
  }
}

describe('The reference reset page in a host', () => {
  let database: TestDatabase;
  const hosts: RunningApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });

  afterAll(async () => {
    for (const host of hosts) await host.close();
    await database?.drop();
  });

  async function start(options: Partial<PasswordResetModuleOptions>): Promise<RunningApp> {
    const host = await startApp(ResetPageHostModule.forRoot(database, options), {
      globalPrefix: 'identity',
    });
    hosts.push(host);
    return host;
  }

  it('should not be served unless the host asks for it', async () => {
    const host = await start({});

    await host.http().get('/identity/reset-password').expect(404);
    await host.http().get('/identity/reset-password/reset-page.js').expect(404);
  });

  it("should be served under the host's prefix, with its own headers though the host sets none", async () => {
    const host = await start({
      resetPage: true,
      resetPath: '/account/reset',
      signInUrl: '/identity/sign-in',
    });

    const page = await host.http().get('/identity/account/reset').expect(200);
    const script = await host.http().get('/identity/account/reset/reset-page.js').expect(200);
    await host.http().get('/account/reset').expect(404);

    for (const answer of [page, script]) {
      expect(answer.headers['content-security-policy']).toMatch(/^default-src 'self';/);
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(page.text).toContain('href="/identity/sign-in"');
    expect(page.text).toContain('data-reset-path="/account/reset"');
    // Only the page's own answers: the host's other routes keep whatever it sets (here, nothing).
    const api = await host
      .http()
      .post('/identity/auth/forgot-password')
      .send({ email: 'a@b.example' });
    expect(api.status).toBe(202);
    expect(api.headers['content-security-policy']).toBeUndefined();
  });
});
