import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { describeError } from '../common/describe-error';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { EmailQueueService } from '../email-queue/email-queue.service';
import { EmailCooldownService } from '../limits/per-address/email-cooldown.service';
import { LoginLockoutService } from '../limits/per-address/login-lockout.service';
import { ResetCodeLockoutService } from '../limits/per-address/reset-code-lockout.service';
import { ResetTokensService } from '../tokens/reset-tokens.service';

/** What one purge removed. */
export interface PurgeResult {
  requests: number;
  tokens: number;
  cooldowns: number;
  loginFailures: number;
  resetCodeFailures: number;
}

/** How often the purge runs. */
export const PURGE_INTERVAL_MS = 3_600_000;

/**
 * Hourly clean-up: settled emails older than `delivery.purgeAfterHours`, expired reset tokens, and
 * cooldowns and login-failure counts that have run out. Pending emails and live tokens stay. A plain
 * timer, so the host needs no scheduler module; every instance purges, which is harmless.
 */
@Injectable()
export class PurgeTask implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PurgeTask.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly emails: EmailQueueService,
    private readonly resetTokens: ResetTokensService,
    private readonly cooldowns: EmailCooldownService,
    private readonly lockout: LoginLockoutService,
    private readonly codeLockout: ResetCodeLockoutService,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runScheduled(), PURGE_INTERVAL_MS);
    // An hourly job should not keep a process alive that has nothing else to do.
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Whether the purge is scheduled (for tests). */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  async runScheduled(): Promise<void> {
    try {
      const result = await this.purge();
      this.logger.log(
        `Purged ${result.requests} settled requests, ${result.tokens} expired tokens, ` +
          `${result.cooldowns} cooldowns, ${result.loginFailures} login-failure counts and ` +
          `${result.resetCodeFailures} reset-code failure counts`,
      );
    } catch (error) {
      this.logger.error(`Purge failed: ${describeError(error)}`);
    }
  }

  async purge(now = new Date()): Promise<PurgeResult> {
    const settledBefore = new Date(
      now.getTime() - this.settings.delivery.purgeAfterHours * 3_600_000,
    );
    return {
      requests: await this.emails.purgeSettled(settledBefore),
      tokens: await this.resetTokens.purgeExpired(now),
      cooldowns: await this.cooldowns.purgeExpired(now),
      loginFailures: await this.lockout.purgeExpired(now),
      resetCodeFailures: await this.codeLockout.purgeExpired(now),
    };
  }
}
