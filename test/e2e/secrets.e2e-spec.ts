import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapturingLogger } from '../support/log-capture';
import { login, OTHER_STRONG_PASSWORD, registerUser } from '../support/factories';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, TestApp, testEnvironment } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Runs register → login → forgot → verify → reset → change with every log level on, and returns the log. */
async function runWholeFlow(app: TestApp, readToken: (email: string) => Promise<string>) {
  const user = await registerUser(app);
  const accessToken = await login(app, user.email, user.password);
  await app.http().get('/users/me').set('Authorization', `Bearer ${accessToken}`).expect(200);
  await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
  const resetToken = await readToken(user.email);
  await app.http().post('/auth/reset-password/verify').send({ token: resetToken }).expect(200);
  await app
    .http()
    .post('/auth/reset-password')
    .send({ token: resetToken, newPassword: OTHER_STRONG_PASSWORD })
    .expect(200);
  // Failures log too: a reused token, a wrong password, a stale bearer token.
  await app
    .http()
    .post('/auth/reset-password')
    .send({ token: resetToken, newPassword: OTHER_STRONG_PASSWORD })
    .expect(400);
  await app
    .http()
    .post('/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(401);
  await app.http().get('/users/me').set('Authorization', `Bearer ${accessToken}`).expect(401);
  return { user, accessToken, resetToken };
}

describe('Secrets in logs', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });

  afterEach(async () => {
    await database.drop();
  });

  it('should log no password, reset token, access token or SMTP password at any level (SMTP)', async () => {
    const smtp = await new SmtpTestServer().start();
    const logger = new CapturingLogger();
    const app = await createTestApp({ database, smtp, logger });
    try {
      const { user, accessToken, resetToken } = await runWholeFlow(app, async (email) =>
        extractResetToken((await smtp.waitForMail(email))[0]),
      );
      await smtp.waitForMail(user.email, 2);
      const log = logger.text();
      // The capture is live: the flow did log (so an empty log cannot pass this test).
      expect(log).toMatch(/Sent a reset link for request/);
      for (const secret of [
        user.password,
        OTHER_STRONG_PASSWORD,
        resetToken,
        accessToken,
        SmtpTestServer.PASSWORD,
      ]) {
        expect(log).not.toContain(secret);
      }
      expect(log).not.toMatch(/authorization|bearer /i);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });

  it('should log the dev mailbox file path but never the link (dev mailbox)', async () => {
    const logger = new CapturingLogger();
    const env = testEnvironment({ database });
    const app = await createTestApp({ database, logger, env: { MAIL_DEV_DIR: env.MAIL_DEV_DIR } });
    try {
      const mailbox = env.MAIL_DEV_DIR;
      const readToken = async (email: string): Promise<string> => {
        for (let i = 0; i < 100; i++) {
          for (const file of readdirSync(mailbox).filter((f) => f.endsWith('.eml'))) {
            const raw = readFileSync(join(mailbox, file), 'utf8').replace(/=\r?\n/g, '');
            const match = /#token=3D([A-Za-z0-9_-]{43})/.exec(raw);
            if (raw.includes(`To: ${email}`) && match) return match[1];
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('No reset email in the dev mailbox');
      };
      const { user, resetToken } = await runWholeFlow(app, readToken);
      const log = logger.text();
      expect(log).toMatch(new RegExp(`Stored a message in ${mailbox}/.+\\.eml`));
      expect(log).not.toContain(resetToken);
      expect(log).not.toContain(user.password);
      expect(readdirSync(mailbox).filter((f) => f.endsWith('.html')).length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
