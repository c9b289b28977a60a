import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { createTestDatabase, DatabaseKind, TestDatabase } from '../support/test-database';
import { eventually } from './support/eventually';
import { MembersService } from './support/monolith/members.service';
import { MonolithMailService } from './support/monolith/monolith-mail.service';
import { MonolithModule } from './support/monolith/monolith.module';
import { RunningApp, startApp } from './support/start-app';

/** The monolith runs on PostgreSQL, as in production; SQLite only where no server is configured. */
const kind: DatabaseKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';
if (kind === 'sqlite') {
  console.log('Monolith host on SQLite: TEST_DATABASE_URL is not set, so no PostgreSQL here');
}

/** Well-formed (43 base64url characters) but never issued. */
const UNKNOWN_TOKEN = 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0';

/** Ten thousand levels of `{"a":…}`, about 20 kB. */
const DEEP_BODY = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;

describe(`A monolith that embeds the module (${kind})`, () => {
  let database: TestDatabase;
  let smtp: SmtpTestServer;
  let host: RunningApp;
  let members: MembersService;
  let mail: MonolithMailService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    smtp = await new SmtpTestServer().start();
    host = await startApp(MonolithModule.forRoot(database, smtp));
    members = host.app.get(MembersService);
    mail = host.app.get(MonolithMailService);
  });

  afterAll(async () => {
    await host?.close();
    await smtp?.stop();
    await database?.drop();
  });

  const http = () => host.http();

  async function resetToken(email: string, count = 1): Promise<string> {
    await http().post('/v1/auth/forgot-password').send({ email }).expect(202);
    const mails = await smtp.waitForMail(email, count);
    return extractResetToken(mails[count - 1]);
  }

  it('should complete a reset through its own mailer and leave its own login taking only the new password', async () => {
    const email = newEmail('member');
    await members.create(email, STRONG_PASSWORD);
    const before = await http()
      .post('/v1/auth/login')
      .send({ email, password: STRONG_PASSWORD })
      .expect(200);

    const token = await resetToken(email);
    // The SMTP server has the message before the host's mail service hears back from it.
    await eventually(() => expect(mail.sent).toContainEqual({ kind: 'password-reset', to: email }));
    await http()
      .post('/v1/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);

    await smtp.waitForMail(email, 2);
    await eventually(() =>
      expect(mail.sent).toContainEqual({ kind: 'password-changed', to: email }),
    );
    await http().post('/v1/auth/login').send({ email, password: STRONG_PASSWORD }).expect(401);
    const after = await http()
      .post('/v1/auth/login')
      .send({ email, password: OTHER_STRONG_PASSWORD })
      .expect(200);
    // The host's sessions from before the reset ended; the new one works.
    await http()
      .get('/v1/users/me')
      .set('Authorization', `Session ${before.body.session}`)
      .expect(401);
    const me = await http()
      .get('/v1/users/me')
      .set('Authorization', `Session ${after.body.session}`)
      .expect(200);
    expect(me.body.email).toBe(email);
  });

  it("should leave the host's own routes at the module's paths to the host: its 422, its parsers, its headers", async () => {
    const email = newEmail('member');
    await members.create(email, STRONG_PASSWORD);

    const unknown = await http()
      .post('/v1/auth/login')
      .send({ email, password: STRONG_PASSWORD, remember: true });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toEqual({ status: 422, errors: { remember: expect.any(String) } });

    // A form post is the host's to accept: the module's JSON-only refusal is not here.
    const form = await http()
      .post('/v1/auth/login')
      .type('form')
      .send({ email, password: STRONG_PASSWORD });
    expect(form.status).toBe(200);
    expect(form.headers['cache-control']).toBeUndefined();

    const anonymous = await http().get('/v1/users/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['cache-control']).toBeUndefined();
  });

  it("should keep the module's own answers to bad bodies under the host's global pipe", async () => {
    const unknown = await http()
      .post('/v1/auth/forgot-password')
      .send({ email: newEmail('member'), remember: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(unknown.headers['cache-control']).toBe('no-store');

    const missing = await http().post('/v1/auth/reset-password').send({ token: UNKNOWN_TOKEN });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });

    const deep = await http()
      .post('/v1/auth/forgot-password')
      .set('Content-Type', 'application/json')
      .send(DEEP_BODY);
    expect(deep.status).toBe(400);

    const form = await http()
      .post('/v1/auth/forgot-password')
      .type('form')
      .send({ email: newEmail('member') });
    expect(form.status).toBe(415);
  });

  it('should give any module of the host the service, without importing the module (isGlobal)', async () => {
    const email = newEmail('member');
    const member = await members.create(email, STRONG_PASSWORD);
    const token = await resetToken(email);
    await http().post('/v1/auth/reset-password/verify').send({ token }).expect(200);

    await http().post(`/v1/support/members/${member.id}/revoke-links`).expect(204);

    const verify = await http().post('/v1/auth/reset-password/verify').send({ token });
    expect(verify.status).toBe(400);
    expect(verify.body.code).toBe('INVALID_RESET_TOKEN');
  });

  it("should put the module's routes in the host's OpenAPI document under v1, under its own tag and names", () => {
    const document = SwaggerModule.createDocument(
      host.app,
      new DocumentBuilder().setTitle('Monolith').build(),
    );
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/forgot-password',
        '/v1/auth/reset-password/verify',
        '/v1/auth/reset-password',
      ]),
    );
    const forgot = document.paths['/v1/auth/forgot-password'].post;
    expect(forgot?.tags).toEqual(['Password reset']);
    // The host's own login stays the host's, untagged by the module.
    expect(document.paths['/v1/auth/login'].post?.tags ?? []).not.toContain('Password reset');
    const schemas = Object.keys(document.components?.schemas ?? {});
    const ours = schemas.filter((name) => name !== 'MonolithLoginBody');
    expect(ours.length).toBeGreaterThan(0);
    for (const name of ours) {
      expect(name).toMatch(/^PasswordReset/);
      expect(name).not.toMatch(/Dto$/);
    }
  });
});
