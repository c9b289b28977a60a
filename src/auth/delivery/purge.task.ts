import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { describeError } from '../../common/describe-error';
import { deliveryConfig } from '../../config/delivery.config';
import { OutboxService } from '../../outbox/outbox.service';
import { EmailCooldownService } from '../../throttling/email-cooldown.service';
import { LoginLockoutService } from '../../throttling/login-lockout.service';
import { ResetTokensService } from '../../tokens/reset-tokens.service';

/** What one purge removed. */
export interface PurgeResult {
  requests: number;
  tokens: number;
  cooldowns: number;
  loginFailures: number;
}

/**
 * Hourly clean-up: settled requests older than `PURGE_AFTER_HOURS`, expired reset tokens, and
 * cooldowns and login-failure counts that have run out. Pending requests and live tokens stay.
 */
@Injectable()
export class PurgeTask {
  private readonly logger = new Logger(PurgeTask.name);

  constructor(
    private readonly outbox: OutboxService,
    private readonly resetTokens: ResetTokensService,
    private readonly cooldowns: EmailCooldownService,
    private readonly lockout: LoginLockoutService,
    @Inject(deliveryConfig.KEY) private readonly config: ConfigType<typeof deliveryConfig>,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'nest-password-reset:purge' })
  async runScheduled(): Promise<void> {
    try {
      const result = await this.purge();
      this.logger.log(
        `Purged ${result.requests} settled requests, ${result.tokens} expired tokens, ` +
          `${result.cooldowns} cooldowns and ${result.loginFailures} login-failure counts`,
      );
    } catch (error) {
      this.logger.error(`Purge failed: ${describeError(error)}`);
    }
  }

  async purge(now = new Date()): Promise<PurgeResult> {
    const settledBefore = new Date(now.getTime() - this.config.purgeAfterHours * 3_600_000);
    return {
      requests: await this.outbox.purgeSettled(settledBefore),
      tokens: await this.resetTokens.purgeExpired(now),
      cooldowns: await this.cooldowns.purgeExpired(now),
      loginFailures: await this.lockout.purgeExpired(now),
    };
  }
}
