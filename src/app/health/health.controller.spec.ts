import { HttpException, HttpStatus } from '@nestjs/common';
import type { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type { MailerService } from '@nestjs-modules/mailer';
import type { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import type { EmailQueueService } from '../../email-queue/email-queue.service';
import { ResilientThrottlerStorage } from '../../limits/per-ip/resilient-throttler-storage';
import { PasswordResetHealth } from '../../password-reset.health';
import type { MailConfig } from '../config/mail.config';
import { HealthController } from './health.controller';
import { DATABASE_CHECK_TTL_MS, HealthService, MAIL_CHECK_TTL_MS } from './health.service';

interface Parts {
  /** What the host mailer's transport check answers: up, down, or a promise of its own. */
  mailUp?: () => boolean | Promise<boolean>;
  databaseUp?: boolean;
  /** The per-IP storage: Redis-backed (`'up'`/`'down'`), or in memory (the default). */
  storage?: 'up' | 'down' | 'memory';
  transport?: MailConfig['transport']['kind'];
}

/** A Redis-backed storage over a connection that is ready (or not) and answers PING (or not). */
function redisStorage(up: boolean): ThrottlerStorage {
  const redis = Object.assign(new EventEmitter(), {
    status: up ? 'ready' : 'reconnecting',
    ping: () => Promise.resolve('PONG'),
    disconnect: () => undefined,
  });
  return new ResilientThrottlerStorage(redis as unknown as Redis, { increment: jest.fn() });
}

function mailConfigWith(kind: MailConfig['transport']['kind']): MailConfig {
  return {
    from: 'no-reply@example.com',
    transport:
      kind === 'smtp'
        ? {
            kind,
            host: 'smtp.example.com',
            port: 587,
            secure: false,
            requireTls: true,
            poolSize: 5,
            timeoutMs: 10_000,
          }
        : { kind, dir: '/tmp/mailbox' },
  };
}

function controllerWith({
  mailUp = () => true,
  databaseUp = true,
  storage = 'memory',
  transport = 'smtp',
}: Parts = {}) {
  // The host's MailerService: only its transport check is used by health.
  const mailer = {
    verifications: 0,
    verifyAllTransporters() {
      this.verifications += 1;
      return Promise.resolve(mailUp());
    },
  };
  const database = {
    pings: 0,
    up: databaseUp,
    pingCheck(key: string) {
      this.pings += 1;
      return Promise.resolve({ [key]: { status: this.up ? 'up' : 'down' } });
    },
  };
  const outbox = { counts: jest.fn(() => Promise.resolve({ pending: 2, failed: 1 })) };
  const perIpStorage =
    storage === 'memory' ? new ThrottlerStorageService() : redisStorage(storage === 'up');
  const service = new HealthService(
    database as unknown as TypeOrmHealthIndicator,
    mailer as unknown as MailerService,
    new PasswordResetHealth(outbox as unknown as EmailQueueService, perIpStorage),
    mailConfigWith(transport),
  );
  return { controller: new HealthController(service), mailer, outbox, database };
}

/** The status and body of the HttpException `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HttpException))
    throw new Error(`Expected an HttpException, got ${String(error)}`);
  return { status: error.getStatus(), body: error.getResponse() };
}

describe(HealthController.name, () => {
  afterEach(() => jest.restoreAllMocks());

  describe('check (public)', () => {
    it('should answer only the status, and never look at the queue', async () => {
      const { controller, outbox } = controllerWith();
      await expect(controller.check()).resolves.toEqual({ status: 'ok' });
      expect(outbox.counts).not.toHaveBeenCalled();
    });

    it('should answer degraded, not fail, when mail does not answer', async () => {
      const { controller } = controllerWith({ mailUp: () => false });
      await expect(controller.check()).resolves.toEqual({ status: 'degraded' });
    });

    it('should answer degraded when the per-IP limits cannot reach Redis', async () => {
      const { controller } = controllerWith({ storage: 'down' });
      await expect(controller.check()).resolves.toEqual({ status: 'degraded' });
    });

    it('should answer 503 with only { status: "error" } when the database is down', async () => {
      const { controller } = controllerWith({ databaseUp: false });
      await expect(refusal(controller.check())).resolves.toEqual({
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: { status: 'error' },
      });
    });

    it('should ping the database at most once per DATABASE_CHECK_TTL_MS, and see an outage after it', async () => {
      let now = 1_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      const { controller, database } = controllerWith();

      await Promise.all([controller.check(), controller.check()]);
      database.up = false;
      now += DATABASE_CHECK_TTL_MS - 1;
      expect((await controller.check()).status).toBe('ok');
      expect(database.pings).toBe(1);

      now += 1;
      expect((await refusal(controller.check())).status).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(database.pings).toBe(2);
    });

    it('should check the SMTP server at most once per MAIL_CHECK_TTL_MS', async () => {
      let now = 1_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      let up = false;
      const { controller, mailer } = controllerWith({ mailUp: () => up });

      await controller.check();
      up = true;
      now += MAIL_CHECK_TTL_MS - 1;
      expect((await controller.check()).status).toBe('degraded');
      expect(mailer.verifications).toBe(1);

      now += 1;
      expect((await controller.check()).status).toBe('ok');
      expect(mailer.verifications).toBe(2);
    });

    it('should count a mail check that fails as mail down', async () => {
      const { controller } = controllerWith({
        mailUp: () => Promise.reject(new Error('ECONNREFUSED')),
      });
      await expect(controller.check()).resolves.toEqual({ status: 'degraded' });
    });

    it('should count a mail check that does not answer within 5 s as mail down', async () => {
      jest.useFakeTimers();
      try {
        const { controller } = controllerWith({
          mailUp: () => new Promise<boolean>(() => undefined),
        });

        const answer = controller.check();
        await jest.advanceTimersByTimeAsync(5_000);

        await expect(answer).resolves.toEqual({ status: 'degraded' });
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('details (behind the token)', () => {
    it('should report the database, mail with its transport, and the queue counts', async () => {
      const { controller } = controllerWith();
      await expect(controller.details()).resolves.toEqual({
        status: 'ok',
        details: {
          database: { status: 'up' },
          mail: { status: 'up', transport: 'smtp' },
          outbox: { status: 'up', pending: 2, failed: 1 },
        },
      });
    });

    it.each([
      ['up', 'ok'],
      ['down', 'degraded'],
    ] as const)('should report Redis %s when the limits use it', async (redis, status) => {
      const { controller } = controllerWith({ storage: redis });
      const report = await controller.details();
      expect(report.status).toBe(status);
      expect(report.details.redis).toEqual({ status: redis });
    });

    it('should leave Redis out when the limits are kept in memory', async () => {
      const { controller } = controllerWith({ storage: 'memory' });
      expect((await controller.details()).details.redis).toBeUndefined();
    });

    it("should name the host mailer's transport from the mail config", async () => {
      const { controller } = controllerWith({ transport: 'dev-mailbox', mailUp: () => false });
      await expect(controller.details()).resolves.toMatchObject({
        status: 'degraded',
        details: { mail: { status: 'down', transport: 'dev-mailbox' } },
      });
    });

    it('should answer 503 with the details when the database is down', async () => {
      const { controller, outbox } = controllerWith({ databaseUp: false });
      await expect(refusal(controller.details())).resolves.toEqual({
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: {
          status: 'error',
          details: {
            database: { status: 'down' },
            mail: { status: 'up', transport: 'smtp' },
            outbox: { status: 'down' },
          },
        },
      });
      expect(outbox.counts).not.toHaveBeenCalled();
    });
  });
});
