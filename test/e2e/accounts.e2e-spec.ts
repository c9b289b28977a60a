import type { Test } from 'supertest';
import { PasswordHasher } from '../../src/passwords/password-hasher.service';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { UserAccount } from '../../src/accounts/user-account.entity';
import {
  login,
  newEmail,
  OTHER_STRONG_PASSWORD,
  registerUser,
  STRONG_PASSWORD,
  THIRD_STRONG_PASSWORD,
} from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { createTestApp, useTestApp } from '../support/test-app';
import { createTestDatabase, databaseKinds } from '../support/test-database';

describe.each(databaseKinds())('Accounts over HTTP (%s)', (kind) => {
  const ctx = useTestApp(kind);

  afterEach(() => jest.restoreAllMocks());

  /**
   * Signs `email` in, then sends `signedIn` with that session; the owner's reset, with a link mailed
   * before, commits while `signedIn` waits for argon2 to check the current password.
   */
  async function resetDuring(
    email: string,
    password: string,
    signedIn: (accessToken: string) => Test,
  ): Promise<number> {
    await ctx.app.http().post('/auth/forgot-password').send({ email }).expect(202);
    const [mail] = await ctx.smtp.waitForMail(email);
    const accessToken = await login(ctx.app, email, password);
    const hasher = ctx.app.app.get(PasswordHasher);
    const verify = hasher.verify.bind(hasher);
    jest.spyOn(hasher, 'verify').mockImplementationOnce(async (hash, plain) => {
      await ctx.app
        .http()
        .post('/auth/reset-password')
        .send({ token: extractResetToken(mail), newPassword: OTHER_STRONG_PASSWORD })
        .expect(200);
      return verify(hash, plain);
    });
    return (await signedIn(accessToken)).status;
  }

  describe('POST /auth/register', () => {
    it('should trim and lower-case the email and answer 201 with the public fields only', async () => {
      const local = newEmail('Alice').split('@')[0];
      const response = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: `  ${local.toUpperCase()}@Example.COM `, password: STRONG_PASSWORD })
        .expect(201);
      expect(Object.keys(response.body).sort()).toEqual([
        'createdAt',
        'email',
        'id',
        'locale',
        'timeZone',
      ]);
      expect(response.body.email).toBe(`${local.toLowerCase()}@example.com`);
      expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('should answer 409 for an address that already has an account, in any case', async () => {
      const user = await registerUser(ctx.app);
      const response = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: user.email.toUpperCase(), password: OTHER_STRONG_PASSWORD })
        .expect(409);
      expect(response.body.code).toBe('EMAIL_TAKEN');
    });

    it('should refuse a weak password with zxcvbn feedback', async () => {
      const response = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: newEmail(), password: 'password123' })
        .expect(400);
      expect(response.body.message).toMatch(/too easy to guess.*commonly used/i);
    });

    it('should store an argon2id hash at the configured cost, never the password', async () => {
      const user = await registerUser(ctx.app);
      const stored = await ctx.app.dataSource
        .getRepository(UserAccount)
        .findOneByOrFail({ id: user.id });
      expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=2\$/);
      expect(stored.passwordHash).not.toContain(user.password);
    });
  });

  describe('validation', () => {
    it.each([
      [
        'an unknown field',
        { email: 'a@example.com', password: STRONG_PASSWORD, admin: true },
        /property admin should not exist/,
      ],
      [
        'a wrong type',
        { email: 42, password: STRONG_PASSWORD },
        /email must be a valid email address/,
      ],
      [
        'an array for a field',
        { email: ['a@example.com'], password: STRONG_PASSWORD },
        /email must be a valid email address/,
      ],
      [
        'a malformed email',
        { email: 'not-an-email', password: STRONG_PASSWORD },
        /email must be a valid email address/,
      ],
      ['a missing password', { email: 'a@example.com' }, /password must be a string/],
    ])('should answer 400 naming the problem for %s', async (_name, body, message) => {
      const response = await ctx.app.http().post('/auth/register').send(body).expect(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });

    it('should answer 400 for a body that is an array', async () => {
      const response = await ctx.app
        .http()
        .post('/auth/forgot-password')
        .send([{ email: 'a@example.com' }])
        .expect(400);
      expect(response.body.message).toBe('The request body must be a JSON object');
    });

    it('should answer 400 for a __proto__ key', async () => {
      const response = await ctx.app
        .http()
        .post('/auth/forgot-password')
        .set('Content-Type', 'application/json')
        .send('{"email":"a@example.com","__proto__":{"isAdmin":true}}')
        .expect(400);
      expect(response.body.message).toMatch(/__proto__/);
    });

    it('should answer 400 for malformed JSON', async () => {
      await ctx.app
        .http()
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email":')
        .expect(400);
    });

    it('should answer 413 for a body over 100 kB, without logging an error', async () => {
      const response = await ctx.app
        .http()
        .post('/auth/forgot-password')
        .send({ email: `${'a'.repeat(110_000)}@example.com` })
        .expect(413);
      expect(response.body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'The request body is larger than 100 kB',
      });
      expect(ctx.app.logger.text()).not.toMatch(/PayloadTooLargeError|entity\.too\.large/);
    });

    it.each([
      ['a form', 'application/x-www-form-urlencoded', 'email=a%40example.com'],
      ['plain text', 'text/plain', '{"email":"a@example.com"}'],
      ['multipart', 'multipart/form-data; boundary=x', '--x\r\n\r\na@example.com\r\n--x--'],
      ['XML', 'application/xml', '<email>a@example.com</email>'],
      ['a JSON suffix type', 'application/merge-patch+json', '{"email":"a@example.com"}'],
    ])('should answer 415 to %s', async (_kind, contentType, body) => {
      const response = await ctx.app
        .http()
        .post('/auth/forgot-password')
        .set('Content-Type', contentType)
        .send(body)
        .expect(415);
      expect(response.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'Send the body as JSON (Content-Type: application/json)',
      });
    });

    it('should answer 415 to a body without a Content-Type', async () => {
      // supertest sends a Buffer as it is, with no Content-Type of its own.
      const response = await ctx.app
        .http()
        .post('/auth/forgot-password')
        .send(Buffer.from('{"email":"a@example.com"}'))
        .expect(415);
      expect(response.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    });

    it('should accept JSON with a charset', async () => {
      await ctx.app
        .http()
        .post('/auth/forgot-password')
        .set('Content-Type', 'Application/JSON; charset=UTF-8')
        .send('{"email":"a@example.com"}')
        .expect(202);
    });

    it('should answer 400, without an error log, for a body that does not decompress', async () => {
      const response = await ctx.app
        .http()
        .post('/auth/forgot-password')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize((raw: unknown) => raw as string)
        .send(Buffer.from('{"email":"a@example.com"}'));
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The request body could not be decompressed (Content-Encoding: gzip)',
      });
      expect(ctx.app.logger.text()).not.toMatch(/^(error|stack) /m);
    });

    it('should answer 400, without an error log, for a body nested 10,000 levels deep', async () => {
      const response = await ctx.app
        .http()
        .post('/auth/forgot-password')
        .set('Content-Type', 'application/json')
        .send(`{"email":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)
        .expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The request body is nested too deeply (at most 32 levels)',
      });
      expect(ctx.app.logger.text()).not.toMatch(/^(error|stack) /m);
    });

    it.each([
      ['a quoted local part', '"john doe"@example.com', /quoted/],
      ['a space inside', 'john doe@example.com', /spaces/],
      ['a control character', 'john\u0007@example.com', /control/],
      ['an invisible character', 'jo\u200bhn@example.com', /control or invisible/],
      [
        'more than 254 characters once its domain is in ASCII',
        // 135 characters as typed; the punycode form of the domain alone is over 200.
        `${'a'.repeat(60)}@${[1, 2, 3, 4, 5, 6].map((n) => `日本語のドメイン名例${n}`).join('.')}.jp`,
        /at most 254 characters/,
      ],
    ])('should refuse an email with %s and say why', async (_kind, email, message) => {
      const response = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email, password: STRONG_PASSWORD })
        .expect(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });

    it('should store an internationalised domain in ASCII and accept either form at login', async () => {
      const local = `jörg-${newEmail().split('@')[0]}`;
      const response = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: `${local.toUpperCase()}@Bücher.DE`, password: STRONG_PASSWORD })
        .expect(201);
      expect(response.body.email).toBe(`${local}@xn--bcher-kva.de`);

      await login(ctx.app, `${local}@bücher.de`, STRONG_PASSWORD);
      await login(ctx.app, `${local}@xn--bcher-kva.de`, STRONG_PASSWORD);
      // The same address with its ö decomposed (NFD) is the same account.
      await login(ctx.app, `${local.normalize('NFD')}@bu\u0308cher.de`, STRONG_PASSWORD);
    });

    it('should never answer 5xx to odd input on any route', async () => {
      const bodies: unknown[] = [
        {},
        { token: null },
        { token: {} },
        { token: 'x'.repeat(300) },
        { email: '' },
        'text',
      ];
      const routes = [
        '/auth/register',
        '/auth/login',
        '/auth/forgot-password',
        '/auth/reset-password',
        '/auth/reset-password/verify',
      ];
      for (const route of routes) {
        for (const body of bodies) {
          const response = await ctx.app
            .http()
            .post(route)
            .send(body as object);
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
        }
      }
    });
  });

  describe('POST /auth/login', () => {
    it('should answer with a bearer token and its lifetime', async () => {
      const user = await registerUser(ctx.app);
      const response = await ctx.app
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200);
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
    });

    it('should answer the same 401 for an unknown email and a wrong password', async () => {
      const user = await registerUser(ctx.app);
      const wrong = await ctx.app
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: OTHER_STRONG_PASSWORD });
      const unknown = await ctx.app
        .http()
        .post('/auth/login')
        .send({ email: newEmail(), password: OTHER_STRONG_PASSWORD });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
    });
  });

  describe('POST /auth/change-password', () => {
    it('should change the password, end every session and email the owner', async () => {
      const user = await registerUser(ctx.app);
      const token = await login(ctx.app, user.email, user.password);
      const otherSession = await login(ctx.app, user.email, user.password);

      await ctx.app
        .http()
        .post('/auth/change-password')
        .auth(token, { type: 'bearer' })
        .send({ currentPassword: user.password, newPassword: OTHER_STRONG_PASSWORD })
        .expect(204);

      await ctx.app.http().get('/users/me').auth(token, { type: 'bearer' }).expect(401);
      await ctx.app.http().get('/users/me').auth(otherSession, { type: 'bearer' }).expect(401);
      await login(ctx.app, user.email, OTHER_STRONG_PASSWORD);
      const [notice] = await ctx.smtp.waitForMail(user.email);
      expect(notice.parsed.subject).toBe('Test Product: your password was changed');
    });

    it('should delete outstanding reset tokens', async () => {
      const user = await registerUser(ctx.app);
      const token = await login(ctx.app, user.email, user.password);
      await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      await ctx.smtp.waitForMail(user.email);
      expect(
        await ctx.app.dataSource.getRepository(PasswordResetToken).countBy({ userId: user.id }),
      ).toBe(1);
      await ctx.app
        .http()
        .post('/auth/change-password')
        .auth(token, { type: 'bearer' })
        .send({ currentPassword: user.password, newPassword: OTHER_STRONG_PASSWORD })
        .expect(204);
      expect(
        await ctx.app.dataSource.getRepository(PasswordResetToken).countBy({ userId: user.id }),
      ).toBe(0);
    });

    it('should answer 401 for a wrong current password and 400 for a weak new one', async () => {
      const user = await registerUser(ctx.app);
      const token = await login(ctx.app, user.email, user.password);
      await ctx.app
        .http()
        .post('/auth/change-password')
        .auth(token, { type: 'bearer' })
        .send({ currentPassword: OTHER_STRONG_PASSWORD, newPassword: OTHER_STRONG_PASSWORD })
        .expect(401);
      await ctx.app
        .http()
        .post('/auth/change-password')
        .auth(token, { type: 'bearer' })
        .send({ currentPassword: user.password, newPassword: 'password123' })
        .expect(400);
      // Neither attempt changed anything: the session still works.
      await ctx.app.http().get('/users/me').auth(token, { type: 'bearer' }).expect(200);
    });

    it('should answer 401 and change nothing when a reset commits while it checks the password', async () => {
      const user = await registerUser(ctx.app);

      const status = await resetDuring(user.email, user.password, (token) =>
        ctx.app
          .http()
          .post('/auth/change-password')
          .auth(token, { type: 'bearer' })
          .send({ currentPassword: user.password, newPassword: THIRD_STRONG_PASSWORD }),
      );

      expect(status).toBe(401);
      await ctx.app
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: THIRD_STRONG_PASSWORD })
        .expect(401);
      await login(ctx.app, user.email, OTHER_STRONG_PASSWORD);
    });

    it('should answer 401 without a token', async () => {
      await ctx.app
        .http()
        .post('/auth/change-password')
        .send({ currentPassword: STRONG_PASSWORD, newPassword: OTHER_STRONG_PASSWORD })
        .expect(401);
    });
  });

  describe('/users/me', () => {
    it('should answer 401 for a missing, malformed or forged token', async () => {
      await ctx.app.http().get('/users/me').expect(401);
      await ctx.app.http().get('/users/me').set('Authorization', 'Basic abc').expect(401);
      await ctx.app.http().get('/users/me').auth('not.a.jwt', { type: 'bearer' }).expect(401);
    });

    it('should delete the account with its reset tokens', async () => {
      const user = await registerUser(ctx.app);
      const token = await login(ctx.app, user.email, user.password);
      await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      await ctx.smtp.waitForMail(user.email);

      await ctx.app
        .http()
        .delete('/users/me')
        .auth(token, { type: 'bearer' })
        .send({ password: user.password })
        .expect(204);

      expect(await ctx.app.dataSource.getRepository(UserAccount).countBy({ id: user.id })).toBe(0);
      expect(
        await ctx.app.dataSource.getRepository(PasswordResetToken).countBy({ userId: user.id }),
      ).toBe(0);
      await ctx.app.http().get('/users/me').auth(token, { type: 'bearer' }).expect(401);
    });

    it('should answer 401 to DELETE and keep the account when a reset commits while it checks the password', async () => {
      const user = await registerUser(ctx.app);

      const status = await resetDuring(user.email, user.password, (token) =>
        ctx.app
          .http()
          .delete('/users/me')
          .auth(token, { type: 'bearer' })
          .send({ password: user.password }),
      );

      expect(status).toBe(401);
      expect(await ctx.app.dataSource.getRepository(UserAccount).countBy({ id: user.id })).toBe(1);
      await login(ctx.app, user.email, OTHER_STRONG_PASSWORD);
    });
  });

  describe('GET /health', () => {
    it('should answer 200 with status ok while the database answers', async () => {
      const response = await ctx.app.http().get('/health').expect(200);
      expect(response.body).toEqual({ status: 'ok' });
    });
  });

  describe('GET /docs', () => {
    it('should document every route with bearer auth and error responses', async () => {
      await ctx.app.http().get('/docs').expect(200);
      const { body: spec } = await ctx.app.http().get('/docs-json').expect(200);
      const routes = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(routes.sort()).toEqual(
        [
          'GET /health',
          'GET /health/details',
          'POST /auth/register',
          'POST /auth/login',
          'GET /users/me',
          'PATCH /users/me',
          'DELETE /users/me',
          'POST /auth/change-password',
          'POST /auth/forgot-password',
          'POST /auth/reset-password/verify',
          'POST /auth/reset-password',
          'POST /auth/reset-password/code/verify',
          'POST /auth/reset-password/code',
        ].sort(),
      );
      expect(spec.components.securitySchemes.accessToken).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      expect(spec.paths['/users/me'].get.security).toEqual([{ accessToken: [] }]);
      expect(spec.paths['/auth/reset-password'].post.responses['400']).toBeDefined();
      expect(spec.components.schemas.PasswordResetResetPasswordBody.required).toEqual([
        'token',
        'newPassword',
      ]);
    });
  });
});

describe('Health when the database is gone', () => {
  it('should answer 503', async () => {
    const database = await createTestDatabase('sqlite');
    const app = await createTestApp({ database });
    try {
      await app.dataSource.destroy();
      const response = await app.http().get('/health').expect(503);
      expect(response.body.status).toBe('error');
    } finally {
      await app.app.close().catch(() => undefined);
      await database.drop();
    }
  });
});
