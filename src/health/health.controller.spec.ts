import type { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { MailService } from '../mail/mail.service';
import type { OutboxService } from '../outbox/outbox.service';
import { HealthController, MAIL_CHECK_TTL_MS } from './health.controller';

/** The database check and the queue counts are not under test here: they always answer. */
function controllerWith(mailUp: () => boolean) {
  const mail = {
    verifications: 0,
    transportKind: 'smtp' as const,
    verifyTransport() {
      this.verifications += 1;
      return Promise.resolve(mailUp());
    },
  };
  const health = { check: () => Promise.resolve({ status: 'ok' }) };
  const outbox = { counts: () => Promise.resolve({ pending: 2, failed: 1 }) };
  const controller = new HealthController(
    health as unknown as HealthCheckService,
    {} as TypeOrmHealthIndicator,
    mail as unknown as MailService,
    outbox as unknown as OutboxService,
  );
  return { controller, mail };
}

describe(HealthController.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('should report ok with the queue counts when mail answers', async () => {
    const { controller } = controllerWith(() => true);
    await expect(controller.check()).resolves.toEqual({
      status: 'ok',
      details: {
        database: { status: 'up' },
        mail: { status: 'up', transport: 'smtp' },
        outbox: { status: 'up', pending: 2, failed: 1 },
      },
    });
  });

  it('should report degraded, not fail, when mail does not answer', async () => {
    const { controller } = controllerWith(() => false);
    const report = await controller.check();
    expect(report.status).toBe('degraded');
    expect(report.details.mail.status).toBe('down');
  });

  it('should check the SMTP server at most once per MAIL_CHECK_TTL_MS', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    let up = false;
    const { controller, mail } = controllerWith(() => up);

    await controller.check();
    up = true;
    now += MAIL_CHECK_TTL_MS - 1;
    expect((await controller.check()).status).toBe('degraded');
    expect(mail.verifications).toBe(1);

    now += 1;
    expect((await controller.check()).status).toBe('ok');
    expect(mail.verifications).toBe(2);
  });
});
