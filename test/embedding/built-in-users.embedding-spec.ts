import { randomBytes } from 'node:crypto';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';
import { BUILT_IN_FRONTEND_URL, BuiltInUsersHostModule } from './support/built-in-host.module';
import { RunningApp, startApp } from './support/start-app';

describe.each(databaseKinds())('A host using the built-in users (%s)', (kind) => {
  let database: TestDatabase;
  let smtp: SmtpTestServer;
  let host: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    smtp = await new SmtpTestServer().start();
    // No global prefix here: the module's routes sit at the root.
    host = await startApp(
      BuiltInUsersHostModule.forRoot(database, smtp, randomBytes(32).toString('hex')),
    );
  });

  afterAll(async () => {
    await host?.close();
    await smtp?.stop();
    await database?.drop();
  });

  /** Registers through the API and returns the new account's id. */
  async function register(email: string): Promise<string> {
    const registered = await host
      .http()
      .post('/auth/register')
      .send({ email, password: STRONG_PASSWORD })
      .expect(201);
    return registered.body.id as string;
  }

  /** Asks for a reset and returns the token from the email that arrives. */
  async function requestResetToken(email: string): Promise<string> {
    await host.http().post('/auth/forgot-password').send({ email }).expect(202);
    const [mail] = await smtp.waitForMail(email);
    expect(mail.parsed.text).toContain(`${BUILT_IN_FRONTEND_URL}/reset-password?lang=en#token=`);
    return extractResetToken(mail);
  }

  it('should run register, forgot, reset, and log in with the new password only', async () => {
    const email = newEmail('builtin');
    const id = await register(email);
    const token = await requestResetToken(email);

    await host
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);

    await host.http().post('/auth/login').send({ email, password: STRONG_PASSWORD }).expect(401);
    const login = await host
      .http()
      .post('/auth/login')
      .send({ email, password: OTHER_STRONG_PASSWORD })
      .expect(200);
    expect(login.body.accessToken).toEqual(expect.any(String));
    const me = await host
      .http()
      .get('/users/me')
      .auth(login.body.accessToken as string, { type: 'bearer' })
      .expect(200);
    expect(me.body).toMatchObject({ id, email });
  });

  it("should take a user's live link with it when the user deletes the account", async () => {
    const email = newEmail('builtin');
    await register(email);
    const login = await host
      .http()
      .post('/auth/login')
      .send({ email, password: STRONG_PASSWORD })
      .expect(200);
    const token = await requestResetToken(email);
    await host.http().post('/auth/reset-password/verify').send({ token }).expect(200);

    await host
      .http()
      .delete('/users/me')
      .auth(login.body.accessToken as string, { type: 'bearer' })
      .send({ password: STRONG_PASSWORD })
      .expect(204);

    const verify = await host
      .http()
      .post('/auth/reset-password/verify')
      .send({ token })
      .expect(400);
    expect(verify.body.code).toBe('INVALID_RESET_TOKEN');
  });
});
