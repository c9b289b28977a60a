import { randomBytes } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PasswordResetModule, PasswordResetModuleOptions } from '../../src';
import { STRONG_PASSWORD } from '../support/factories';
import { CapturingLogger } from '../support/log-capture';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { testModuleOptions } from './support/module-options';
import { RunningApp, startApp } from './support/start-app';
import { builtInHostImports } from './support/built-in-host-imports';

const FRONTEND_URL = 'https://id.host.example';

/**
 * A host with the built-in users that mounts the module under `v1` with `RouterModule`, as the README
 * shows, its options from an async factory.
 */
@Module({})
class VersionedHostModule {
  static forRoot(
    database: TestDatabase,
    options: Partial<PasswordResetModuleOptions>,
  ): DynamicModule {
    return {
      module: VersionedHostModule,
      imports: [
        ...builtInHostImports(database),
        PasswordResetModule.forRootAsync({
          // Resolved later than the module's classes are declared: the tag cannot be a decorator.
          useFactory: async () => {
            await new Promise((resolve) => setTimeout(resolve, 10));
            return {
              ...testModuleOptions({
                frontendUrl: FRONTEND_URL,
                jwtSecret: randomBytes(32).toString('hex'),
              }),
              ...options,
            };
          },
        }),
        RouterModule.register([{ path: 'v1', module: PasswordResetModule }]),
      ],
    };
  }
}

/** The host's own document, built the way a host's main.ts builds it. */
function hostDocument(app: NestExpressApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Host').addTag('Auth', "The host's own sign-in").build(),
  );
}

/** Every operation of a document, as `METHOD /path` → its tags. */
function operationTags(document: OpenAPIObject): Record<string, string[] | undefined> {
  return Object.fromEntries(
    Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod as Record<string, { tags?: string[] }>).map(([method, op]) => [
        `${method.toUpperCase()} ${path}`,
        op.tags,
      ]),
    ),
  );
}

const MODULE_OPERATIONS = [
  'POST /v1/auth/forgot-password',
  'POST /v1/auth/reset-password/verify',
  'POST /v1/auth/reset-password',
  'POST /v1/auth/reset-password/code/verify',
  'POST /v1/auth/reset-password/code',
  'POST /v1/auth/register',
  'POST /v1/auth/login',
  'POST /v1/auth/change-password',
  'GET /v1/users/me',
  'PATCH /v1/users/me',
  'DELETE /v1/users/me',
];

describe('The module mounted under v1 with RouterModule', () => {
  let database: TestDatabase;
  let host: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    host = await startApp(
      VersionedHostModule.forRoot(database, { resetPage: true, apiTag: 'Account recovery' }),
    );
  });

  afterAll(async () => {
    await host?.close();
    await database?.drop();
  });

  it('should serve every route under v1, and none outside it', async () => {
    const email = `v1-${randomBytes(4).toString('hex')}@example.com`;
    await host
      .http()
      .post('/v1/auth/register')
      .send({ email, password: STRONG_PASSWORD })
      .expect(201);
    const login = await host
      .http()
      .post('/v1/auth/login')
      .send({ email, password: STRONG_PASSWORD })
      .expect(200);
    await host
      .http()
      .get('/v1/users/me')
      .auth(login.body.accessToken as string, { type: 'bearer' })
      .expect(200);
    await host.http().post('/v1/auth/forgot-password').send({ email }).expect(202);

    await host.http().post('/auth/forgot-password').send({ email }).expect(404);
    await host.http().get('/users/me').expect(404);
  });

  it("should put the module's no-store and JSON-only refusal on its routes under v1", async () => {
    const accepted = await host
      .http()
      .post('/v1/auth/forgot-password')
      .send({ email: 'someone@example.com' })
      .expect(202);
    expect(accepted.headers['cache-control']).toBe('no-store');

    for (const [method, path] of [
      ['post', '/v1/auth/forgot-password'],
      ['post', '/v1/auth/login'],
      ['delete', '/v1/users/me'],
    ] as const) {
      const refused = await host
        .http()
        [method](path)
        .type('form')
        .send({ email: 'someone@example.com' })
        .expect(415);
      expect(refused.headers['cache-control']).toBe('no-store');
    }
  });

  it("should answer a browser's preflight under v1", async () => {
    const preflight = await host
      .http()
      .options('/v1/auth/forgot-password')
      .set('Origin', FRONTEND_URL)
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(FRONTEND_URL);
  });

  it('should serve the reference reset page under v1', async () => {
    const page = await host.http().get('/v1/reset-password').expect(200);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self';/);
    expect(page.headers['cache-control']).toBe('no-store');
    await host.http().get('/v1/reset-password/reset-page.js').expect(200);
  });

  it("should list its operations under v1 in the host's document, tagged apiTag, with PasswordReset… schemas", () => {
    const document = hostDocument(host.app);

    expect(operationTags(document)).toEqual(
      Object.fromEntries(MODULE_OPERATIONS.map((operation) => [operation, ['Account recovery']])),
    );
    const schemas = Object.keys(document.components?.schemas ?? {});
    expect(schemas.length).toBeGreaterThan(0);
    expect(
      schemas.filter((name) => !name.startsWith('PasswordReset') || name.endsWith('Dto')),
    ).toEqual([]);
  });
});

describe("The module's apiTag in a document built before the host is initialised", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function documentWithoutInit(
    options: Partial<PasswordResetModuleOptions>,
  ): Promise<OpenAPIObject> {
    const app = await NestFactory.create<NestExpressApplication>(
      VersionedHostModule.forRoot(database, options),
      { logger: new CapturingLogger(), abortOnError: false },
    );
    try {
      // As a host's main.ts does: the document first, then listen() (which runs init).
      return hostDocument(app);
    } finally {
      await app.close();
    }
  }

  it('should use the tag the async options give', async () => {
    const document = await documentWithoutInit({ apiTag: 'Identity' });

    expect(new Set(Object.values(operationTags(document)).flat())).toEqual(new Set(['Identity']));
  });

  it('should use Password reset when no tag is given', async () => {
    const document = await documentWithoutInit({});

    expect(new Set(Object.values(operationTags(document)).flat())).toEqual(
      new Set(['Password reset']),
    );
  });
});
