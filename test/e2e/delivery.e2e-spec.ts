import { QueuedEmail, EmailStatus } from '../../src/email-queue/queued-email.entity';
import { login, newEmail, registerUser } from '../support/factories';
import { freePort } from '../support/free-port';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` passes or `timeoutMs` runs out (then fails with its last error). */
async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

function requests(app: TestApp) {
  return app.dataSource.getRepository(QueuedEmail);
}

/** The queue counts and mail status are operator details: behind HEALTH_TOKEN. */
const HEALTH_TOKEN = 'health-token-for-the-delivery-tests';

function healthDetails(app: TestApp) {
  return app.http().get('/health/details').set('Authorization', `Bearer ${HEALTH_TOKEN}`);
}

describe.each(databaseKinds())('Durable delivery (%s)', (kind) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });

  afterEach(async () => {
    await database.drop();
  });

  it('should send right after the answer, without waiting for the poller', async () => {
    const smtp = await new SmtpTestServer().start();
    // The poller runs once at start-up, then not for an hour: only the listener can send.
    const app = await createTestApp({
      database,
      smtp,
      env: { MAIL_POLL_INTERVAL_SECONDS: '3600' },
    });
    try {
      const user = await registerUser(app);
      await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      await smtp.waitForMail(user.email, 1, 10_000);

      const token = await app
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .then((response) => response.body.accessToken as string);
      await app
        .http()
        .post('/auth/change-password')
        .auth(token, { type: 'bearer' })
        .send({ currentPassword: user.password, newPassword: 'quiet harbor mosaic drifts north' })
        .expect(204);
      // The password-changed notice too.
      await smtp.waitForMail(user.email, 2, 10_000);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });

  /** Registers an account and asks for its reset link while SMTP is down; waits for the retry. */
  async function resetWaitingForSmtp(app: TestApp) {
    const user = await registerUser(app);
    await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    await eventually(async () => {
      const [row] = await requests(app).findBy({ email: user.email });
      expect(row.attempts).toBeGreaterThanOrEqual(1);
      expect(row.status).toBe(EmailStatus.Pending);
    });
    return user;
  }

  const resetSubjects = (smtp: SmtpTestServer, email: string) =>
    smtp
      .mailTo(email)
      .map((mail) => mail.parsed.subject ?? '')
      .filter((subject) => /reset your password/.test(subject));

  it('should not send a reset link requested before a password change', async () => {
    const smtp = new SmtpTestServer(await freePort());
    const app = await createTestApp({ database, smtp });
    try {
      const user = await resetWaitingForSmtp(app);
      const token = await login(app, user.email, user.password);

      await app
        .http()
        .post('/auth/change-password')
        .auth(token, { type: 'bearer' })
        .send({ currentPassword: user.password, newPassword: 'quiet harbor mosaic drifts north' })
        .expect(204);
      await smtp.start();

      // The owner set a new password: the link they asked for is no longer wanted.
      await eventually(async () => {
        expect(await requests(app).countBy({ status: EmailStatus.Cancelled })).toBe(1);
      });
      await smtp.waitForMail(user.email, 1);
      await sleep(2_500);
      expect(resetSubjects(smtp, user.email)).toEqual([]);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });

  it('should still send a reset link requested before a successful login', async () => {
    const smtp = new SmtpTestServer(await freePort());
    const app = await createTestApp({ database, smtp });
    try {
      const user = await resetWaitingForSmtp(app);

      // Whoever knows the old password could otherwise void every link the owner asks for.
      await login(app, user.email, user.password);
      await smtp.start();

      await smtp.waitForMail(user.email, 1);
      expect(resetSubjects(smtp, user.email)).toHaveLength(1);
      expect(await requests(app).countBy({ status: EmailStatus.Cancelled })).toBe(0);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });

  it('should deliver exactly one email when the SMTP server comes back 20 s after the request', async () => {
    const smtp = new SmtpTestServer(await freePort());
    const app = await createTestApp({ database, smtp, env: { HEALTH_TOKEN } });
    try {
      const user = await registerUser(app);
      const response = await app.http().post('/auth/forgot-password').send({ email: user.email });
      expect(response.status).toBe(202);

      // The first attempt has failed and a retry is scheduled; nothing is lost.
      await eventually(async () => {
        const [row] = await requests(app).findBy({ email: user.email });
        expect(row.status).toBe(EmailStatus.Pending);
        expect(row.attempts).toBeGreaterThanOrEqual(1);
        expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);
      });
      const health = await healthDetails(app).expect(200);
      expect(health.body.status).toBe('degraded');
      expect(health.body.details.mail.status).toBe('down');
      expect(health.body.details.outbox.pending).toBe(1);

      await sleep(20_000);
      await smtp.start();

      await smtp.waitForMail(user.email, 1, 45_000);
      await eventually(async () => {
        const [row] = await requests(app).findBy({ email: user.email });
        expect(row.status).toBe(EmailStatus.Done);
        expect(row.processedAt).not.toBeNull();
      });
      await sleep(1_500);
      expect(smtp.mailTo(user.email)).toHaveLength(1);
      const after = await healthDetails(app).expect(200);
      expect(after.body.status).toBe('ok');
      expect(after.body.details.outbox).toEqual({ status: 'up', pending: 0, failed: 0 });
    } finally {
      await app.close();
      await smtp.stop();
    }
  }, 90_000);

  it('should send 50 emails for 50 accounts through two instances on one database, none twice', async () => {
    const smtp = new SmtpTestServer(await freePort());
    const first = await createTestApp({ database, smtp });
    const second = await createTestApp({ database, smtp });
    try {
      const emails = Array.from({ length: 50 }, () => newEmail('pair'));
      for (const email of emails) await registerUser(first, email);

      // SMTP is down while the requests arrive, so both instances' pollers compete for the retries.
      const responses = await Promise.all(
        emails.map((email, i) =>
          (i % 2 ? first : second).http().post('/auth/forgot-password').send({ email }),
        ),
      );
      expect(responses.every((r) => r.status === 202)).toBe(true);
      await smtp.start();

      await eventually(async () => {
        expect(smtp.received.length).toBeGreaterThanOrEqual(50);
        expect(await requests(first).countBy({ status: EmailStatus.Done })).toBe(50);
      }, 60_000);
      await sleep(2_000);
      expect(smtp.received).toHaveLength(50);
      for (const email of emails) expect(smtp.mailTo(email)).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
      await smtp.stop();
    }
  }, 120_000);

  it('should send one email for five requests to one address within the cooldown, with five identical answers', async () => {
    const smtp = await new SmtpTestServer().start();
    const app = await createTestApp({
      database,
      smtp,
      env: { RESET_EMAIL_COOLDOWN_SECONDS: '60' },
    });
    try {
      const user = await registerUser(app);
      const send = () => app.http().post('/auth/forgot-password').send({ email: user.email });
      const responses: Awaited<ReturnType<typeof send>>[] = [];
      for (let i = 0; i < 5; i++) responses.push(await send());

      const shape = (r: (typeof responses)[number]) => ({
        status: r.status,
        body: r.body,
        headers: { ...r.headers, date: undefined },
      });
      for (const response of responses) expect(shape(response)).toEqual(shape(responses[0]));
      expect(responses[0].status).toBe(202);

      await smtp.waitForMail(user.email);
      await eventually(async () => {
        expect(await requests(app).countBy({ email: user.email, status: EmailStatus.Done })).toBe(
          1,
        );
        // The four turned away keep no address.
        expect(await requests(app).countBy({ email: user.email })).toBe(1);
        expect(await requests(app).countBy({ email: '', status: EmailStatus.Throttled })).toBe(4);
      });
      await sleep(1_500);
      expect(smtp.mailTo(user.email)).toHaveLength(1);

      // The cooldown is per address and applies to unknown addresses too, with the same answer.
      const unknown = newEmail('nobody');
      await app.http().post('/auth/forgot-password').send({ email: unknown }).expect(202);
      await app.http().post('/auth/forgot-password').send({ email: unknown }).expect(202);
      await eventually(async () => {
        expect(await requests(app).countBy({ email: '', status: EmailStatus.Throttled })).toBe(5);
        // Handled for lack of an account: done, and the address gone from that row too.
        expect(await requests(app).countBy({ email: unknown })).toBe(0);
        expect(await requests(app).countBy({ email: '', status: EmailStatus.Done })).toBe(1);
      });
      expect(smtp.mailTo(unknown)).toHaveLength(0);

      // Five at once: they are written together, in one transaction, and still only one is sent.
      const other = await registerUser(app);
      const together = await Promise.all(
        Array.from({ length: 5 }, () =>
          app.http().post('/auth/forgot-password').send({ email: other.email }),
        ),
      );
      for (const response of together) expect(shape(response)).toEqual(shape(responses[0]));
      await smtp.waitForMail(other.email);
      await eventually(async () => {
        expect(await requests(app).countBy({ email: other.email, status: EmailStatus.Done })).toBe(
          1,
        );
        expect(await requests(app).countBy({ email: '', status: EmailStatus.Throttled })).toBe(9);
      });
      await sleep(1_500);
      expect(smtp.mailTo(other.email)).toHaveLength(1);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });

  it('should mark a request failed after the last attempt, recording the error without secrets', async () => {
    const smtp = new SmtpTestServer(await freePort());
    const app = await createTestApp({
      database,
      smtp,
      env: { MAIL_MAX_ATTEMPTS: '2', HEALTH_TOKEN },
    });
    try {
      const user = await registerUser(app);
      await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      await eventually(async () => {
        const [row] = await requests(app).findBy({ email: user.email });
        expect(row.status).toBe(EmailStatus.Failed);
        expect(row.attempts).toBe(2);
        expect(row.processedAt).not.toBeNull();
      });
      const [row] = await requests(app).findBy({ email: user.email });
      expect(row.lastError).toBeTruthy();
      expect(row.lastError).not.toContain(SmtpTestServer.PASSWORD);
      expect(app.logger.text()).toMatch(/Gave up on request .* after 2 attempts/);
      const health = await healthDetails(app).expect(200);
      expect(health.body.details.outbox).toEqual({ status: 'up', pending: 0, failed: 1 });
    } finally {
      await app.close();
    }
  });

  it('should not send a reset request that has outlived the token lifetime', async () => {
    const smtp = await new SmtpTestServer().start();
    // A row as a long-stopped instance would have left it: the poller finds it at start-up.
    const app = await createTestApp({ database, smtp });
    try {
      const user = await registerUser(app);
      const ancient = new Date(Date.now() - 61 * 60_000);
      const outbox = requests(app);
      await outbox.insert({
        id: '00000000-0000-4000-8000-000000000001',
        kind: 'password_reset' as QueuedEmail['kind'],
        email: user.email,
        status: EmailStatus.Pending,
        attempts: 0,
        nextAttemptAt: ancient,
        claimedUntil: null,
        claimId: null,
        lastError: null,
        createdAt: ancient,
        processedAt: null,
      });
      await eventually(async () => {
        const row = await outbox.findOneByOrFail({ id: '00000000-0000-4000-8000-000000000001' });
        expect(row.status).toBe(EmailStatus.Failed);
        expect(row.lastError).toMatch(/stale/);
        // Nobody will act on it, so the address is not kept.
        expect(row.email).toBe('');
      });
      expect(smtp.mailTo(user.email)).toHaveLength(0);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });

  it('should let a send under way finish when the app shuts down, then stop claiming', async () => {
    const smtp = await new SmtpTestServer(0, 1_500).start();
    const app = await createTestApp({ database, smtp });
    const user = await registerUser(app);
    await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    // Wait until the send is under way: the message is on the wire, the server has not accepted it.
    await eventually(() => {
      expect(smtp.dataStarted).toBe(1);
      return Promise.resolve();
    });
    expect(smtp.mailTo(user.email)).toHaveLength(0);
    const [row] = await requests(app).findBy({ email: user.email });
    expect(row.status).toBe(EmailStatus.Processing);

    await app.close();

    expect(smtp.mailTo(user.email)).toHaveLength(1);
    await smtp.stop();
  });
});
