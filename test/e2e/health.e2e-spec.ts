import type { Test } from 'supertest';
import { QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { newEmail, registerUser } from '../support/factories';
import { freePort } from '../support/free-port';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, TestApp, useTestApp } from '../support/test-app';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

/** At least 16 characters, as HEALTH_TOKEN must be. */
const HEALTH_TOKEN = 'health-token-for-the-e2e-tests-7f3a';

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

function details(app: TestApp, authorization?: string): Test {
  const call = app.http().get('/health/details');
  return authorization === undefined ? call : call.set('Authorization', authorization);
}

describe.each(databaseKinds())('GET /health and /health/details (%s)', (kind) => {
  describe('without HEALTH_TOKEN', () => {
    const ctx = useTestApp(kind);

    it('should answer 200 with a status and nothing else', async () => {
      const response = await ctx.app.http().get('/health').expect(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('should answer /health/details with the 404 of a route that does not exist', async () => {
      const unknown = await ctx.app.http().get('/health/no-such-route').expect(404);
      const response = await details(ctx.app).expect(404);
      expect(response.body).toEqual({ ...unknown.body, message: 'Cannot GET /health/details' });
      expect(response.headers['content-type']).toBe(unknown.headers['content-type']);
      expect(response.headers['www-authenticate']).toBeUndefined();
      // A token, even one that would be right elsewhere, changes nothing.
      await details(ctx.app, `Bearer ${HEALTH_TOKEN}`).expect(404);
    });

    it('should document both routes, the details as a bearer route with its refusals', async () => {
      const { body: spec } = await ctx.app.http().get('/docs-json').expect(200);
      const health = spec.paths['/health'].get;
      expect(health.security).toBeUndefined();
      expect(Object.keys(health.responses).sort()).toEqual(['200', '503']);
      const detailsRoute = spec.paths['/health/details'].get;
      expect(detailsRoute.security).toEqual([{ healthToken: [] }]);
      expect(Object.keys(detailsRoute.responses).sort()).toEqual(['200', '401', '404', '503']);
      expect(spec.components.schemas.HealthStatusDto.properties.status.enum).toEqual([
        'ok',
        'degraded',
      ]);
    });
  });

  describe('with HEALTH_TOKEN', () => {
    const ctx = useTestApp(kind, { HEALTH_TOKEN });

    it('should still answer /health with a status and nothing else', async () => {
      const response = await ctx.app.http().get('/health').expect(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('should answer the details to the right bearer token', async () => {
      const response = await details(ctx.app, `Bearer ${HEALTH_TOKEN}`).expect(200);
      expect(response.body).toEqual({
        status: 'ok',
        details: {
          database: { status: 'up' },
          mail: { status: 'up', transport: 'smtp' },
          outbox: { status: 'up', pending: 0, failed: 0 },
        },
      });
    });

    it.each([
      ['no Authorization header', undefined],
      ['an empty bearer token', 'Bearer '],
      ['a wrong token of the same length', `Bearer ${HEALTH_TOKEN.slice(0, -1)}x`],
      ['a prefix of the token', `Bearer ${HEALTH_TOKEN.slice(0, 16)}`],
      ['the token with more after it', `Bearer ${HEALTH_TOKEN}x`],
      ['the token under another scheme', `Basic ${HEALTH_TOKEN}`],
      ['the token without a scheme', HEALTH_TOKEN],
    ])('should answer 401 with WWW-Authenticate: Bearer to %s', async (_name, authorization) => {
      const response = await details(ctx.app, authorization).expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body.details).toBeUndefined();
      expect(JSON.stringify(response.body)).not.toContain(HEALTH_TOKEN);
    });

    it('should never log the token or the Authorization header', async () => {
      await details(ctx.app, `Bearer ${HEALTH_TOKEN}`).expect(200);
      await details(ctx.app, `Bearer ${HEALTH_TOKEN}-wrong`).expect(401);
      const log = ctx.app.logger.text();
      expect(log).not.toContain(HEALTH_TOKEN);
      expect(log).not.toMatch(/bearer /i);
    });
  });

  describe('while mail cannot be sent', () => {
    let database: TestDatabase;
    let app: TestApp;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      // Nothing listens there: every send fails and the request stays pending.
      const smtp = new SmtpTestServer(await freePort());
      app = await createTestApp({ database, smtp, env: { HEALTH_TOKEN } });
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it('should answer the same public body after a request for a known address as for an unknown one', async () => {
      const before = await app.http().get('/health').expect(200);

      await app.http().post('/auth/forgot-password').send({ email: newEmail() }).expect(202);
      const user = await registerUser(app);
      await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      // The known address's email failed once and waits for a retry: the queue now holds it.
      await eventually(async () => {
        const [row] = await app.dataSource.getRepository(QueuedEmail).findBy({ email: user.email });
        expect(row.attempts).toBeGreaterThanOrEqual(1);
      });

      const after = await app.http().get('/health').expect(200);
      expect(after.body).toEqual(before.body);
      expect(after.body).toEqual({ status: 'degraded' });

      // Only the operator sees the queue.
      const operator = await details(app, `Bearer ${HEALTH_TOKEN}`).expect(200);
      expect(operator.body.status).toBe('degraded');
      expect(operator.body.details.mail).toEqual({ status: 'down', transport: 'smtp' });
      expect(operator.body.details.outbox.pending).toBe(1);
    });
  });
});

describe('GET /health and /health/details when the database is gone', () => {
  it('should answer 503 with only { status: "error" }, and the details behind the token', async () => {
    const database = await createTestDatabase('sqlite');
    const app = await createTestApp({ database, env: { HEALTH_TOKEN } });
    try {
      await app.dataSource.destroy();
      const response = await app.http().get('/health').expect(503);
      expect(response.body).toEqual({ status: 'error' });

      await details(app).expect(401);
      const operator = await details(app, `Bearer ${HEALTH_TOKEN}`).expect(503);
      expect(operator.body.status).toBe('error');
      expect(operator.body.details.database).toEqual({ status: 'down' });
    } finally {
      await app.app.close().catch(() => undefined);
      await database.drop();
    }
  });
});
