import { QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { registerUser } from '../support/factories';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('SMTP_REQUIRE_TLS against a server that offers no STARTTLS', () => {
  let database: TestDatabase;
  // The test server never offers STARTTLS: a plaintext-only provider (or a downgrade attack).
  let smtp: SmtpTestServer;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    smtp = await new SmtpTestServer().start();
    app = await createTestApp({
      database,
      smtp,
      env: { SMTP_REQUIRE_TLS: 'true', MAIL_RETRY_BASE_SECONDS: '1', HEALTH_TOKEN: 'h'.repeat(32) },
    });
  });

  afterAll(async () => {
    await app?.close();
    await smtp?.stop();
    await database?.drop();
  });

  it('should send nothing and authenticate nowhere, keep the request for a retry and report mail down', async () => {
    const user = await registerUser(app);
    await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);

    await eventually(async () => {
      const [row] = await app.dataSource.getRepository(QueuedEmail).findBy({ email: user.email });
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      expect(row.lastError).toMatch(/STARTTLS|TLS/i);
      expect(row.status).not.toBe('done');
    });
    expect(smtp.received).toHaveLength(0);
    expect(smtp.authAttempts).toBe(0);
    const health = await app.http().get('/health').expect(200);
    expect(health.body).toEqual({ status: 'degraded' });
  });
});
