import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { EmailQueueCounts, EmailQueueService } from './email-queue/email-queue.service';
import { ResilientThrottlerStorage } from './limits/per-ip/resilient-throttler-storage';
import { PER_IP_STORAGE } from './password-reset.constants';

/**
 * What a host's health checks may want from the module: the email queue and the Redis behind the
 * per-IP limits. Not for a public endpoint: the queue grows only for known addresses.
 */
@Injectable()
export class PasswordResetHealth {
  constructor(
    private readonly emails: EmailQueueService,
    @Inject(PER_IP_STORAGE) private readonly perIpStorage: ThrottlerStorage,
  ) {}

  /** Emails waiting to go (or going) and emails given up on. */
  queueCounts(): Promise<EmailQueueCounts> {
    return this.emails.counts();
  }

  /** Whether the per-IP limits reach Redis, from the connection's state alone; `undefined` without Redis. */
  redisUp(): boolean | undefined {
    return this.perIpStorage instanceof ResilientThrottlerStorage
      ? this.perIpStorage.redisUp
      : undefined;
  }

  /** Asks Redis (a PING, under half a second) whether it answers; `undefined` without Redis. */
  checkRedis(): Promise<boolean | undefined> {
    return this.perIpStorage instanceof ResilientThrottlerStorage
      ? this.perIpStorage.checkRedis()
      : Promise.resolve(undefined);
  }
}
