import { randomBytes } from 'node:crypto';
import {
  ArgumentsHost,
  BadRequestException,
  CallHandler,
  Catch,
  Controller,
  DynamicModule,
  ExceptionFilter,
  ExecutionContext,
  Get,
  HttpException,
  HttpStatus,
  Injectable,
  Module,
  NestInterceptor,
  Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { Request, Response as ExpressResponse } from 'express';
import type { Observable } from 'rxjs';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { PasswordResetModule } from '../../src';
import { STRONG_PASSWORD } from '../support/factories';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { testModuleOptions } from './support/module-options';
import { RunningApp, startApp } from './support/start-app';
import { builtInHostImports } from './support/built-in-host-imports';

/** The per-IP limit of forgot-password in these hosts: the third request in a minute is a 429. */
const FORGOT_PASSWORD_PER_IP = { limit: 2, windowSeconds: 60 };

/**
 * What a popular boilerplate's global filter does: every error, whatever threw it, becomes the
 * host's own envelope, with the exception's message.
 */
function envelope(exception: unknown, host: ArgumentsHost): void {
  const status =
    exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
  const message = exception instanceof Error ? exception.message : String(exception);
  host
    .switchToHttp()
    .getResponse<ExpressResponse>()
    .status(status)
    .json({ success: false, error: { status, message } });
}

@Catch()
class EverythingEnvelopeFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    envelope(exception, host);
  }
}

@Catch(HttpException)
class HttpEnvelopeFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    envelope(exception, host);
  }
}

/** A value that must reach neither a client nor the log: the kind of thing a query's parameters hold. */
const SECRET_PARAMETER = '$argon2id$v=19$m=1024,t=2,p=1$c2VjcmV0LXNhbHQ$not-for-any-log';

/** What the failing host interceptor throws: shaped like a driver's error, parameters included. */
const UNEXPECTED_MESSAGE = 'SQLITE_IOERR: disk I/O error while writing users';

/**
 * A host's global interceptor, which fails (as a lost database would) when a request asks it to:
 * the way to meet an unexpected error on the module's routes without breaking the module.
 */
@Injectable()
class FailOnRequestInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.switchToHttp().getRequest<Request>().headers['x-test-fail'] !== undefined) {
      throw Object.assign(new Error(UNEXPECTED_MESSAGE), {
        query: 'UPDATE "user_accounts" SET "password_hash" = ?',
        parameters: [SECRET_PARAMETER],
      });
    }
    return next.handle();
  }
}

/** A route of the host's own, whose refusal the host's filter shapes. */
@Controller('host')
class HostController {
  @Get('refuse')
  refuse(): never {
    throw new BadRequestException('The host refuses this');
  }
}

/** How a host registers its global filter, if it has one. */
type HostFilter =
  | 'none'
  | 'APP_FILTER with @Catch()'
  | 'useGlobalFilters with @Catch()'
  | 'APP_FILTER with @Catch(HttpException)';

@Module({})
class FilteredHostModule {
  static forRoot(database: TestDatabase, filter: HostFilter): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_INTERCEPTOR, useClass: FailOnRequestInterceptor },
    ];
    if (filter === 'APP_FILTER with @Catch()') {
      providers.push({ provide: APP_FILTER, useClass: EverythingEnvelopeFilter });
    }
    if (filter === 'APP_FILTER with @Catch(HttpException)') {
      providers.push({ provide: APP_FILTER, useClass: HttpEnvelopeFilter });
    }
    return {
      module: FilteredHostModule,
      imports: [
        ...builtInHostImports(database),
        PasswordResetModule.forRoot(
          testModuleOptions({
            frontendUrl: 'https://id.host.example',
            jwtSecret: randomBytes(32).toString('hex'),
            forgotPasswordPerIp: FORGOT_PASSWORD_PER_IP,
          }),
        ),
      ],
      controllers: [HostController],
      providers,
    };
  }
}

/** A running host with an account signed in. */
interface Host {
  app: RunningApp;
  accessToken: string;
}

async function startHost(database: TestDatabase, filter: HostFilter): Promise<Host> {
  const app = await startApp(FilteredHostModule.forRoot(database, filter), {
    globalFilters:
      filter === 'useGlobalFilters with @Catch()' ? [new EverythingEnvelopeFilter()] : [],
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

/** What a client sees of an error answer: status, body and every header the module may set. */
function answer(response: Response) {
  return {
    status: response.status,
    body: response.body as unknown,
    contentType: response.headers['content-type'],
    cacheControl: response.headers['cache-control'],
    retryAfter: response.headers['retry-after'],
    wwwAuthenticate: response.headers['www-authenticate'],
  };
}

/** A request to one of the module's routes that it refuses, and the status it refuses it with. */
interface Refusal {
  name: string;
  status: number;
  send: (http: TestAgent, host: Host) => Promise<Response>;
}

const json = (http: TestAgent, path: string, body: unknown) =>
  http.post(path).type('application/json').send(JSON.stringify(body));

const REFUSALS: Refusal[] = [
  {
    name: 'validation: a field of the wrong type',
    status: 400,
    send: (http) => json(http, '/auth/login', { email: 42, password: 'x' }),
  },
  {
    name: 'validation: an unknown property',
    status: 400,
    send: (http) => json(http, '/auth/reset-password/verify', { token: 'abc', remember: true }),
  },
  {
    name: 'validation: a body that is not an object',
    status: 400,
    send: (http) => json(http, '/auth/register', []),
  },
  {
    name: 'validation: nested too deeply',
    status: 400,
    send: (http) =>
      http
        .post('/auth/reset-password/verify')
        .type('application/json')
        .send(`{"token":${'['.repeat(40)}${']'.repeat(40)}}`),
  },
  {
    name: 'domain: INVALID_RESET_TOKEN',
    status: 400,
    send: (http) =>
      json(http, '/auth/reset-password/verify', {
        token: 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0',
      }),
  },
  {
    name: 'domain: WEAK_PASSWORD',
    status: 400,
    send: (http) =>
      json(http, '/auth/register', { email: 'weak@example.com', password: 'password' }),
  },
  {
    name: 'domain: EMAIL_TAKEN',
    status: 409,
    send: (http) =>
      json(http, '/auth/register', { email: 'owner@example.com', password: STRONG_PASSWORD }),
  },
  {
    name: 'login: INVALID_CREDENTIALS',
    status: 401,
    send: (http) =>
      json(http, '/auth/login', { email: 'owner@example.com', password: 'not the password' }),
  },
  {
    name: 'access-token guard: no token',
    status: 401,
    send: (http) => http.get('/users/me'),
  },
  {
    name: 'access-token guard: a forged token',
    status: 401,
    send: (http) => http.get('/users/me').auth('not.a.token', { type: 'bearer' }),
  },
  {
    name: 'change-password: wrong current password',
    status: 401,
    send: (http, host) =>
      json(http, '/auth/change-password', {
        currentPassword: 'not the password',
        newPassword: STRONG_PASSWORD,
      }).auth(host.accessToken, { type: 'bearer' }),
  },
  {
    name: 'JSON only: a form body',
    status: 415,
    send: (http) => http.post('/auth/forgot-password').type('form').send({ email: 'a@b.example' }),
  },
];

describe.each<HostFilter>([
  'APP_FILTER with @Catch()',
  'useGlobalFilters with @Catch()',
  'APP_FILTER with @Catch(HttpException)',
])("The module's routes under a host's global exception filter (%s)", (filter) => {
  const databases: TestDatabase[] = [];
  let plain: Host;
  let filtered: Host;

  beforeAll(async () => {
    databases.push(await createTestDatabase('sqlite'), await createTestDatabase('sqlite'));
    plain = await startHost(databases[0], 'none');
    filtered = await startHost(databases[1], filter);
  });

  afterAll(async () => {
    await plain?.app.close();
    await filtered?.app.close();
    for (const database of databases) await database.drop();
  });

  it.each(REFUSALS.map((refusal) => [refusal.name, refusal] as const))(
    'should answer %s exactly as without the filter',
    async (_name, refusal) => {
      const expected = answer(await refusal.send(plain.app.http(), plain));
      const actual = answer(await refusal.send(filtered.app.http(), filtered));

      expect(expected.status).toBe(refusal.status);
      expect(expected.cacheControl).toBe('no-store');
      expect(actual).toEqual(expected);
    },
  );

  it('should answer its per-IP limit with its own 429 and Retry-After', async () => {
    const forgot = (host: Host) =>
      json(host.app.http(), '/auth/forgot-password', { email: 'owner@example.com' });
    for (let sent = 0; sent < FORGOT_PASSWORD_PER_IP.limit; sent++) {
      await forgot(plain).expect(202);
      await forgot(filtered).expect(202);
    }

    const expected = answer(await forgot(plain));
    const actual = answer(await forgot(filtered));

    expect(expected).toEqual({
      status: 429,
      body: {
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Too many requests. Try again in 60 seconds.',
      },
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-store',
      retryAfter: '60',
      wwwAuthenticate: undefined,
    });
    expect(actual).toEqual(expected);
  });

  it('should answer an unexpected error with a 500 in its own shape, naming nothing of it', async () => {
    const failing = (host: Host) =>
      json(host.app.http(), '/auth/reset-password/verify', { token: 'abc' }).set(
        'X-Test-Fail',
        '1',
      );
    const expected = await failing(plain);
    const actual = await failing(filtered);

    expect(answer(expected)).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' },
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-store',
      retryAfter: undefined,
      wwwAuthenticate: undefined,
    });
    expect(answer(actual)).toEqual(answer(expected));
    expect(actual.text).not.toContain('SQLITE');
  });

  it('should log the unexpected error by its name and message, without what it carries', async () => {
    const before = filtered.app.logger.lines.length;

    await json(filtered.app.http(), '/auth/reset-password/verify', { token: 'abc' })
      .set('X-Test-Fail', '1')
      .expect(500);

    const logged = filtered.app.logger.lines.slice(before).join('\n');
    expect(logged).toContain(UNEXPECTED_MESSAGE);
    expect(logged).toContain('POST /auth/reset-password/verify');
    expect(logged).not.toContain(SECRET_PARAMETER);
    expect(logged).not.toContain('password_hash');
  });

  it("should leave the host's own routes, and unknown paths, to the host's filter", async () => {
    const refused = await filtered.app.http().get('/host/refuse');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      success: false,
      error: { status: 400, message: 'The host refuses this' },
    });

    const unknown = await filtered.app.http().get('/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      success: false,
      error: { status: 404, message: 'Cannot GET /nowhere' },
    });
  });
});
