import { randomBytes } from 'node:crypto';
import {
  Body,
  Controller,
  DynamicModule,
  HttpCode,
  Module,
  Post,
  Provider,
  UnprocessableEntityException,
  ValidationError,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { IsString } from 'class-validator';
import type { Response } from 'supertest';
import { PasswordResetModule } from '../../src';
import { STRONG_PASSWORD } from '../support/factories';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { testModuleOptions } from './support/module-options';
import { RunningApp, startApp } from './support/start-app';
import { builtInHostImports } from './support/built-in-host-imports';

/**
 * A host's global `ValidationPipe` as a popular boilerplate sets it up: unknown properties refused,
 * bodies transformed, every refusal a 422 in the host's own shape.
 */
const HOST_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors: ValidationError[]) =>
    new UnprocessableEntityException({
      status: 422,
      errors: Object.fromEntries(
        errors.map((error) => [error.property, Object.values(error.constraints ?? {}).join(', ')]),
      ),
    }),
};

class HostProfileBody {
  @IsString()
  name: string;
}

/** A route of the host's own, validated by its pipe. */
@Controller('profile')
class HostProfileController {
  @Post()
  @HttpCode(200)
  update(@Body() body: HostProfileBody): { name: string } {
    return { name: body.name };
  }
}

/** How a host registers its pipe, if it has one. */
type HostPipe = 'none' | 'APP_PIPE' | 'useGlobalPipes with validateCustomDecorators';

/** A host with the built-in users and a route of its own, with or without a global pipe. */
@Module({})
class PipedHostModule {
  static forRoot(database: TestDatabase, pipe: HostPipe): DynamicModule {
    const providers: Provider[] =
      pipe === 'APP_PIPE'
        ? [{ provide: APP_PIPE, useValue: new ValidationPipe(HOST_PIPE_OPTIONS) }]
        : [];
    return {
      module: PipedHostModule,
      imports: [
        ...builtInHostImports(database),
        PasswordResetModule.forRoot(
          testModuleOptions({
            frontendUrl: 'https://id.host.example',
            jwtSecret: randomBytes(32).toString('hex'),
          }),
        ),
      ],
      controllers: [HostProfileController],
      providers,
    };
  }
}

/** Ten thousand levels of `{"a":…}`. */
const DEEP_OBJECT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
/** Ten thousand levels of `[…]`, about 20 kB. */
const DEEP_ARRAY = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

/** A well-formed reset token that was never issued. */
const UNKNOWN_TOKEN = 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0';

interface BodyRoute {
  method: 'post' | 'delete';
  path: string;
  /** Needs the signed-in account's access token. */
  signedIn: boolean;
  /** A body the route accepts in shape (it may still refuse it for what it says). */
  valid: Record<string, string>;
}

const BODY_ROUTES: BodyRoute[] = [
  {
    method: 'post',
    path: '/auth/register',
    signedIn: false,
    valid: { email: 'new@example.com', password: STRONG_PASSWORD },
  },
  {
    method: 'post',
    path: '/auth/login',
    signedIn: false,
    valid: { email: 'owner@example.com', password: 'not the password' },
  },
  {
    method: 'post',
    path: '/auth/change-password',
    signedIn: true,
    valid: { currentPassword: 'not the password', newPassword: STRONG_PASSWORD },
  },
  {
    method: 'delete',
    path: '/users/me',
    signedIn: true,
    valid: { password: 'not the password' },
  },
  {
    method: 'post',
    path: '/auth/forgot-password',
    signedIn: false,
    valid: { email: 'owner@example.com' },
  },
  {
    method: 'post',
    path: '/auth/reset-password/verify',
    signedIn: false,
    valid: { token: UNKNOWN_TOKEN },
  },
  {
    method: 'post',
    path: '/auth/reset-password',
    signedIn: false,
    valid: { token: UNKNOWN_TOKEN, newPassword: STRONG_PASSWORD },
  },
];

/** Bad bodies for a route, as raw JSON text, by what is wrong with them. */
function badBodies(valid: Record<string, string>): [string, string][] {
  const fields = Object.keys(valid);
  const json = (value: unknown) => JSON.stringify(value);
  /** The valid body with one more member, written as raw JSON. */
  const with_ = (member: string) => `${json(valid).slice(0, -1)},${member}}`;
  /** The valid body with `field`'s value replaced by raw JSON. */
  const replacing = (field: string, raw: string) =>
    json({ ...valid, [field]: '\u0000' }).replace('"\\u0000"', raw);
  return [
    ['an unknown property', json({ ...valid, remember: true })],
    ['an unknown property holding an object', json({ ...valid, role: { admin: true } })],
    ...fields.flatMap((field): [string, string][] => [
      [`${field} as a number`, json({ ...valid, [field]: 42 })],
      [`${field} as an object`, json({ ...valid, [field]: { value: valid[field] } })],
      [`${field} as an array`, json({ ...valid, [field]: [valid[field]] })],
      [`${field} as null`, json({ ...valid, [field]: null })],
      [`${field} missing`, json({ ...valid, [field]: undefined })],
      [`${field} nested 10,000 levels deep`, replacing(field, DEEP_OBJECT)],
    ]),
    ['an empty object', '{}'],
    ['an array', '[]'],
    ['an array holding the valid body', json([valid])],
    ['a string', '"text"'],
    ['a number', '42'],
    ['null', 'null'],
    ['10,000 levels of {"a":…}', DEEP_OBJECT],
    ['10,000 levels of [[…]]', DEEP_ARRAY],
    ['an unknown property 10,000 levels deep', with_(`"a":${DEEP_OBJECT}`)],
    ['an unknown property of 10,000 arrays', with_(`"a":${DEEP_ARRAY}`)],
    ['an own __proto__ key', with_('"__proto__":{"admin":true}')],
    ['a constructor.prototype key', with_('"constructor":{"prototype":{"admin":true}}')],
    ['a __proto__ key inside a field', replacing(fields[0], '{"__proto__":{"admin":true}}')],
  ];
}

/** What a client sees of an answer: status, body and the headers the module sets. */
function answer(response: Response) {
  return {
    status: response.status,
    body: response.body as unknown,
    contentType: response.headers['content-type'],
    cacheControl: response.headers['cache-control'],
  };
}

/** A running host with an account signed in. */
interface Host {
  app: RunningApp;
  accessToken: string;
}

async function startHost(database: TestDatabase, pipe: HostPipe): Promise<Host> {
  const app = await startApp(PipedHostModule.forRoot(database, pipe), {
    globalPipes:
      pipe === 'useGlobalPipes with validateCustomDecorators'
        ? [new ValidationPipe({ ...HOST_PIPE_OPTIONS, validateCustomDecorators: true })]
        : [],
  });
  await app
    .http()
    .post('/auth/register')
    .send({ email: 'owner@example.com', password: STRONG_PASSWORD })
    .expect(201);
  const login = await app
    .http()
    .post('/auth/login')
    .send({ email: 'owner@example.com', password: STRONG_PASSWORD })
    .expect(200);
  return { app, accessToken: login.body.accessToken as string };
}

function send(host: Host, route: BodyRoute, body: string) {
  const request = host.app.http()[route.method](route.path).type('application/json');
  if (route.signedIn) request.auth(host.accessToken, { type: 'bearer' });
  return request.send(body);
}

describe.each<HostPipe>(['APP_PIPE', 'useGlobalPipes with validateCustomDecorators'])(
  "The module's routes under a host's global ValidationPipe (%s)",
  (pipe) => {
    const databases: TestDatabase[] = [];
    let plain: Host;
    let piped: Host;

    beforeAll(async () => {
      databases.push(await createTestDatabase('sqlite'), await createTestDatabase('sqlite'));
      plain = await startHost(databases[0], 'none');
      piped = await startHost(databases[1], pipe);
    });

    afterAll(async () => {
      await plain?.app.close();
      await piped?.app.close();
      for (const database of databases) await database.drop();
    });

    describe.each(
      BODY_ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const),
    )('%s', (_name, route) => {
      it('should answer every bad body as it does without the pipe, never with a 5xx', async () => {
        const differences: string[] = [];
        for (const [problem, body] of badBodies(route.valid)) {
          const expected = answer(await send(plain, route, body));
          const actual = answer(await send(piped, route, body));
          if (expected.status >= 500)
            differences.push(`${problem}: ${expected.status} without the pipe`);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            differences.push(
              `${problem}: ${JSON.stringify(actual).slice(0, 300)} instead of ${JSON.stringify(expected).slice(0, 300)}`,
            );
          }
        }
        expect(differences).toEqual([]);
      });

      it('should refuse an unknown property with a 400 naming it', async () => {
        const response = await send(
          piped,
          route,
          JSON.stringify({ ...route.valid, remember: true }),
        );

        expect(response.status).toBe(400);
        expect(response.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: ['property remember should not exist'],
        });
      });
    });

    it('should take the same valid bodies, transformed as without the pipe', async () => {
      const registered = await piped.app
        .http()
        .post('/auth/register')
        .send({ email: '  Carol@Example.COM ', password: STRONG_PASSWORD });
      expect(registered.status).toBe(201);
      expect(registered.body.email).toBe('carol@example.com');

      await piped.app
        .http()
        .post('/auth/forgot-password')
        .send({ email: 'Carol@example.com' })
        .expect(202);
      const me = await piped.app
        .http()
        .get('/users/me')
        .auth(piped.accessToken, { type: 'bearer' });
      expect(me.status).toBe(200);
      expect(me.body.email).toBe('owner@example.com');

      const login = await piped.app
        .http()
        .post('/auth/login')
        .send({ email: 'carol@example.com', password: STRONG_PASSWORD })
        .expect(200);
      const carol = login.body.accessToken as string;
      await piped.app
        .http()
        .post('/auth/change-password')
        .auth(carol, { type: 'bearer' })
        .send({
          currentPassword: STRONG_PASSWORD,
          newPassword: 'amber otter juggles seven lanterns',
        })
        .expect(204);
    });

    it("should leave the host's own routes to the host's pipe and its 422", async () => {
      const refused = await piped.app.http().post('/profile').send({ name: 'Ann', admin: true });
      expect(refused.status).toBe(422);
      expect(refused.body).toEqual({ status: 422, errors: { admin: expect.any(String) } });

      const wrongType = await piped.app.http().post('/profile').send({ name: 42 });
      expect(wrongType.status).toBe(422);
      expect(wrongType.body).toEqual({ status: 422, errors: { name: 'name must be a string' } });

      await piped.app.http().post('/profile').send({ name: 'Ann' }).expect(200, { name: 'Ann' });
    });
  },
);
