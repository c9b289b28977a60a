import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { EmailStatus, QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { newEmail, registerUser } from '../support/factories';
import { freePort } from '../support/free-port';
import { type ReceivedMail, SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, TestApp, TestContext, useTestApp } from '../support/test-app';
import { createTestDatabase, databaseKinds } from '../support/test-database';

const SIGN_UP_URL = 'https://app.test.example/sign-up';
/** How long to keep listening for mail that should not come. */
const SETTLE_MS = 1_500;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** A shipped locale's subject line, as its messages.json words it, for the test app's APP_NAME. */
function shippedSubject(locale: string, key: string): string {
  const messages = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'templates', locale, 'messages.json'), 'utf8'),
  ) as Record<string, string>;
  return messages[key].replace('{{appName}}', 'Test Product');
}

function forgot(ctx: TestContext, email: string, acceptLanguage?: string): Promise<Response> {
  const request = ctx.app
    .http()
    .post('/auth/forgot-password')
    .set('X-Forwarded-For', '203.0.113.7');
  if (acceptLanguage !== undefined) request.set('Accept-Language', acceptLanguage);
  return request.send({ email }).expect(202);
}

/** What a client sees of a forgot-password answer. */
function seen(answer: Response): unknown {
  // Date is the one header that changes with the clock alone.
  const headers = { ...(answer.headers as Record<string, string>), date: undefined };
  return { status: answer.status, body: answer.body as unknown, headers };
}

/** The statuses of the address's queue rows once none is in flight (the row settles after the send). */
async function settledStatuses(app: TestApp, email: string): Promise<EmailStatus[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const rows = await app.dataSource.getRepository(QueuedEmail).findBy({ email });
    const statuses = rows.map((row) => row.status);
    if (!statuses.includes(EmailStatus.Processing) || Date.now() > deadline) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Both parts of a message, for checks that hold for each. */
function parts(mail: ReceivedMail): string[] {
  return [mail.parsed.text ?? '', String(mail.parsed.html)];
}

describe.each(databaseKinds())('Telling an address without an account (%s)', (kind) => {
  describe('with NOTIFY_UNKNOWN_RECIPIENTS=true', () => {
    const ctx = useTestApp(kind, {
      NOTIFY_UNKNOWN_RECIPIENTS: 'true',
      TRUST_PROXY: '1',
      RESET_EMAIL_COOLDOWN_SECONDS: '60',
      RESET_EMAIL_DAILY_LIMIT: '5',
    });

    it('should email an unknown address that no account uses it, in the language of the request, with no link', async () => {
      const email = newEmail('nobody');

      await forgot(ctx, email, 'de-AT,de;q=0.9,en;q=0.5');

      const [mail] = await ctx.smtp.waitForMail(email);
      expect(mail.parsed.subject).toBe(shippedSubject('de', 'subject.unknownRecipient'));
      expect(mail.parsed.headers.get('content-language')).toBe('de');
      expect(String(mail.parsed.html)).toMatch(/<html lang="de">/);
      for (const part of parts(mail)) {
        expect(part).toContain('Test Product');
        expect(part).toContain('kein Konto');
        expect(part).not.toMatch(/token=|reset-password|sign-up/);
      }
      expect(await settledStatuses(ctx.app, email)).toEqual([EmailStatus.Done]);
    });

    it('should write in the default locale when the request names no language the emails speak', async () => {
      const email = newEmail('nobody');

      await forgot(ctx, email, 'ja');

      const [mail] = await ctx.smtp.waitForMail(email);
      expect(mail.parsed.subject).toBe(shippedSubject('en', 'subject.unknownRecipient'));
      expect(mail.parsed.headers.get('content-language')).toBe('en');
      expect(mail.parsed.text).toContain('no account');
    });

    it('should answer an unknown address exactly as a known one, and send the known one its reset link', async () => {
      const user = await registerUser(ctx.app);
      const unknown = newEmail('nobody');

      const known = await forgot(ctx, user.email, 'de');
      const other = await forgot(ctx, unknown, 'de');

      expect(seen(other)).toEqual(seen(known));
      const [reset] = await ctx.smtp.waitForMail(user.email);
      expect(reset.parsed.subject).toBe(shippedSubject('de', 'subject.passwordReset'));
      expect(reset.parsed.text).toMatch(/#token=[A-Za-z0-9_-]{43}/);
      const [notice] = await ctx.smtp.waitForMail(unknown);
      expect(notice.parsed.subject).toBe(shippedSubject('de', 'subject.unknownRecipient'));
    });

    it('should send nothing more to an unknown address asked for again inside the cooldown', async () => {
      const email = newEmail('nobody');

      await forgot(ctx, email);
      await ctx.smtp.waitForMail(email);
      await forgot(ctx, email);
      await forgot(ctx, email);

      await settle();
      expect(ctx.smtp.mailTo(email)).toHaveLength(1);
    });
  });

  describe('with SIGN_UP_URL', () => {
    const ctx = useTestApp(kind, { NOTIFY_UNKNOWN_RECIPIENTS: 'true', SIGN_UP_URL });

    it('should offer the sign-up page in both parts', async () => {
      const email = newEmail('nobody');

      await forgot(ctx, email, 'fr');

      const [mail] = await ctx.smtp.waitForMail(email);
      expect(mail.parsed.subject).toBe(shippedSubject('fr', 'subject.unknownRecipient'));
      expect(mail.parsed.text).toContain(SIGN_UP_URL);
      expect(String(mail.parsed.html)).toContain(`href="${SIGN_UP_URL}"`);
      for (const part of parts(mail)) expect(part).not.toMatch(/token=|reset-password/);
    });
  });

  it('should retry the email while the mail server is down, and settle the row once it is sent', async () => {
    const database = await createTestDatabase(kind);
    // Its port is reserved, but it listens only once the first attempt has failed.
    const smtp = new SmtpTestServer(await freePort());
    const app = await createTestApp({
      database,
      smtp,
      env: { NOTIFY_UNKNOWN_RECIPIENTS: 'true' },
    });
    try {
      const email = newEmail('nobody');
      await app.http().post('/auth/forgot-password').send({ email }).expect(202);
      const rows = app.dataSource.getRepository(QueuedEmail);
      const deadline = Date.now() + 15_000;
      let row = await rows.findOneBy({ email });
      while (!(row?.status === EmailStatus.Pending && row.attempts >= 1)) {
        if (Date.now() > deadline)
          throw new Error(`No failed attempt recorded: ${String(row?.status)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        row = await rows.findOneBy({ email });
      }
      expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);

      await smtp.start();

      await smtp.waitForMail(email, 1, 30_000);
      expect(await settledStatuses(app, email)).toEqual([EmailStatus.Done]);
    } finally {
      await app.close();
      await smtp.stop();
      await database.drop();
    }
  }, 60_000);

  describe('by default', () => {
    const ctx = useTestApp(kind);

    it('should send an unknown address nothing, and forget it once the request is handled', async () => {
      const user = await registerUser(ctx.app);
      const email = newEmail('nobody');

      await forgot(ctx, email, 'de');
      await forgot(ctx, user.email, 'de');

      await ctx.smtp.waitForMail(user.email);
      await settle();
      expect(ctx.smtp.mailTo(email)).toEqual([]);
      expect(await ctx.app.dataSource.getRepository(QueuedEmail).findBy({ email })).toEqual([]);
    });
  });
});
