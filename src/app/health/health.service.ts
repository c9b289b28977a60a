import { Inject, Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { MailerService } from '@nestjs-modules/mailer';
import { PasswordResetHealth } from '../../password-reset.health';
import { MAIL_CONFIG, type MailConfig } from '../config/mail.config';
import type { HealthComponentsDto, HealthDetailsDto } from './dto/health-report.dto';

/** `ok`; `degraded` while mail cannot be sent or Redis is out (requests still served); `error`: no database. */
export type HealthStatus = HealthDetailsDto['status'];

/** How long one SMTP check answers for: probes every few seconds must not each open an SMTP session. */
export const MAIL_CHECK_TTL_MS = 10_000;
/** A mail server that does not answer its check within this is down, as far as health goes. */
const MAIL_CHECK_TIMEOUT_MS = 5_000;

const DATABASE_PING_TIMEOUT_MS = 3_000;

/**
 * How long one database ping answers the public status for. Probes come from every load balancer and
 * orchestrator, often several a second; under load each ping waits its turn on a busy database (on
 * PostgreSQL sharing two cores with the hashing, 1 probe in 100 took over 24 ms with a ping each,
 * under 15 ms without), and an outage still shows within a second. The operators' report pings anew.
 */
export const DATABASE_CHECK_TTL_MS = 1_000;

/**
 * Checks what the service depends on. {@link status} is for anyone (load balancers, orchestrators)
 * and reads nothing that depends on who has an account; {@link report} adds the parts and the queue
 * counts for operators.
 */
@Injectable()
export class HealthService {
  private mailCheck?: { at: number; up: Promise<boolean> };
  private databaseCheck?: { at: number; up: Promise<boolean> };

  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly mailer: MailerService,
    private readonly passwordReset: PasswordResetHealth,
    @Inject(MAIL_CONFIG) private readonly mail: MailConfig,
  ) {}

  /**
   * A mail or Redis outage does not make this `error`: forgot-password requests are recorded and sent
   * once mail is back, and the limits fall back to memory, so the instance should keep taking traffic.
   * Redis is judged by its connection here, without a round trip, as this answers anyone.
   */
  async status(): Promise<HealthStatus> {
    const [databaseUp, mailUp] = await Promise.all([
      this.recentDatabaseUp(),
      this.mailTransportUp(),
    ]);
    return overall(databaseUp, mailUp && this.passwordReset.redisUp() !== false);
  }

  /** The status with each part; the queue counts only when the database answers. */
  async report(): Promise<HealthDetailsDto> {
    const [databaseUp, mailUp, redisUp] = await Promise.all([
      this.databaseUp(),
      this.mailTransportUp(),
      this.passwordReset.checkRedis(),
    ]);
    const details: HealthComponentsDto = {
      database: { status: upOrDown(databaseUp) },
      mail: { status: upOrDown(mailUp), transport: this.mail.transport.kind },
      outbox: databaseUp
        ? { status: 'up', ...(await this.passwordReset.queueCounts()) }
        : { status: 'down' },
    };
    if (redisUp !== undefined) details.redis = { status: upOrDown(redisUp) };
    return { status: overall(databaseUp, mailUp && redisUp !== false), details };
  }

  private async databaseUp(): Promise<boolean> {
    const result = await this.database.pingCheck('database', {
      timeout: DATABASE_PING_TIMEOUT_MS,
    });
    return result.database?.status === 'up';
  }

  /** The last ping if it is recent, else a new one (shared by concurrent probes). */
  private recentDatabaseUp(): Promise<boolean> {
    const now = Date.now();
    if (!this.databaseCheck || now - this.databaseCheck.at >= DATABASE_CHECK_TTL_MS) {
      this.databaseCheck = { at: now, up: this.databaseUp() };
    }
    return this.databaseCheck.up;
  }

  /** Whether the mailer's transport answers (SMTP `verify()`, or a writable dev mailbox folder). */
  private verifyMailer(): Promise<boolean> {
    return withTimeout(this.mailer.verifyAllTransporters(), MAIL_CHECK_TIMEOUT_MS);
  }

  /** The last SMTP check if it is recent, else a new one (shared by concurrent probes). */
  private mailTransportUp(): Promise<boolean> {
    const now = Date.now();
    if (!this.mailCheck || now - this.mailCheck.at >= MAIL_CHECK_TTL_MS) {
      this.mailCheck = { at: now, up: this.verifyMailer() };
    }
    return this.mailCheck.up;
  }
}

function withTimeout(check: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>(
    (resolve) => (timer = setTimeout(resolve, timeoutMs, false)),
  );
  return Promise.race([check.catch(() => false), timeout]).finally(() => clearTimeout(timer));
}

function overall(databaseUp: boolean, restUp: boolean): HealthStatus {
  if (!databaseUp) return 'error';
  return restUp ? 'ok' : 'degraded';
}

function upOrDown(up: boolean): 'up' | 'down' {
  return up ? 'up' : 'down';
}
