import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { MailService } from '../mail/mail.service';
import { OutboxService } from '../outbox/outbox.service';

/** The body of `GET /health`. */
export interface HealthReport {
  /** `ok`; `degraded` when mail cannot be sent right now (requests are still accepted and queued). */
  status: 'ok' | 'degraded';
  details: {
    database: { status: 'up' };
    mail: { status: 'up' | 'down'; transport: 'smtp' | 'dev-mailbox' };
    outbox: { status: 'up'; pending: number; failed: number };
  };
}

/** How long one SMTP check answers for: probes every few seconds must not each open an SMTP session. */
export const MAIL_CHECK_TTL_MS = 10_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  private mailCheck?: { at: number; up: Promise<boolean> };

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly mail: MailService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * 503 only when the database is down. A mail outage does not fail the check: forgot-password
   * requests are recorded and sent once mail is back, so the instance should keep taking traffic.
   */
  @Get()
  @ApiOperation({ summary: 'Database, mail transport and the queue of emails' })
  @ApiOkResponse({ description: 'status is "ok", or "degraded" while mail cannot be sent' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async check(): Promise<HealthReport> {
    await this.health.check([() => this.database.pingCheck('database', { timeout: 3000 })]);
    const [mailUp, counts] = await Promise.all([this.mailTransportUp(), this.outbox.counts()]);
    return {
      status: mailUp ? 'ok' : 'degraded',
      details: {
        database: { status: 'up' },
        mail: { status: mailUp ? 'up' : 'down', transport: this.mail.transportKind },
        outbox: { status: 'up', ...counts },
      },
    };
  }
  /** The last SMTP check if it is recent, else a new one (shared by concurrent probes). */
  private mailTransportUp(): Promise<boolean> {
    const now = Date.now();
    if (!this.mailCheck || now - this.mailCheck.at >= MAIL_CHECK_TTL_MS) {
      this.mailCheck = { at: now, up: this.mail.verifyTransport() };
    }
    return this.mailCheck.up;
  }
}
