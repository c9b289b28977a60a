import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { deliveryConfig } from '../../config/delivery.config';
import { MailRequestProcessor } from './mail-request.processor';

const POLL_JOB = 'nest-password-reset:outbox-poll';
/** How long shutdown waits for sends under way. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Picks up what the request-time listener could not finish: retries whose time has come and rows
 * left pending or claimed by an instance that stopped. Stops claiming on shutdown and lets sends
 * under way finish (bounded).
 */
@Injectable()
export class OutboxPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxPoller.name);

  constructor(
    private readonly processor: MailRequestProcessor,
    private readonly scheduler: SchedulerRegistry,
    @Inject(deliveryConfig.KEY) private readonly config: ConfigType<typeof deliveryConfig>,
  ) {}

  onApplicationBootstrap(): void {
    const interval = setInterval(() => void this.poll(), this.config.pollIntervalSeconds * 1000);
    this.scheduler.addInterval(POLL_JOB, interval);
    // Whatever a previous run left behind is due now.
    void this.poll();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', POLL_JOB)) this.scheduler.deleteInterval(POLL_JOB);
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
}
