import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { THROTTLER_NAMES, type ThrottleConfig } from '../config/throttle.config';

/** Options for `ThrottlerModule.forRootAsync`: one named throttler per limit, Redis when configured. */
export function buildThrottlerOptions(config: ThrottleConfig): ThrottlerModuleOptions {
  return {
    throttlers: THROTTLER_NAMES.map((name) => ({
      name,
      limit: config.limits[name].limit,
      ttl: config.limits[name].windowSeconds * 1000,
    })),
    // Counters in headers would make two answers to forgot-password differ; 429s still carry Retry-After.
    setHeaders: false,
    storage: config.redisUrl
      ? new ThrottlerStorageRedisService(config.redisUrl, {
          keyPrefix: 'nest-password-reset:throttle:',
        })
      : undefined,
  };
}
