import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { EmailQueueProcessor } from './email-queue.processor';

/** How long shutdown waits for sends under way. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Picks up what the request-time listener could not finish: retries whose time has come and rows
 * left pending or claimed by an instance that stopped. Stops claiming on shutdown and lets sends
 * under way finish (bounded). A plain timer, so the host needs no scheduler module.
 */
@Injectable()
export class EmailQueuePoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EmailQueuePoller.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly processor: EmailQueueProcessor,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.poll(),
      this.settings.delivery.pollIntervalSeconds * 1000,
    );
    // Whatever a previous run left behind is due now.
    void this.poll();
  }

  /**
   * The earliest shutdown hook: the host's mailer closes its idle connections in the same phase (its
   * busy ones finish their message), and nothing new should be claimed once shutdown has begun.
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.logger.log('Shutting down: no new claims; letting sends under way finish');
    if (!(await this.processor.drain(SHUTDOWN_GRACE_MS))) {
      this.logger.warn(
        'Sends under way did not finish in time; their rows are claimed again after the claim timeout',
      );
    }
  }

  /** One round: processes due rows until none are left. Never throws. */
  poll(): Promise<void> {
    return this.processor.wake();
  }

  /** Whether the poll is scheduled (for tests). */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }
}
