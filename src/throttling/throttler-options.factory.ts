import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { THROTTLER_NAMES, type ThrottleConfig } from '../config/throttle.config';
import { ResilientThrottlerStorage } from './resilient-throttler-storage';

/**
 * Options for `ThrottlerModule.forRootAsync`: one named throttler per limit, Redis when configured
 * (with an in-memory fallback while it is out). ThrottlerModule is global and exports its storage
 * under `getStorageToken()`, which is how `/health/details` finds the Redis connection's state.
 */
export function buildThrottlerOptions(config: ThrottleConfig): ThrottlerModuleOptions {
  return {
    throttlers: THROTTLER_NAMES.map((name) => ({
      name,
      limit: config.limits[name].limit,
      ttl: config.limits[name].windowSeconds * 1000,
    })),
    // Counters in headers would make two answers to forgot-password differ; 429s still carry Retry-After.
    setHeaders: false,
    storage: config.redisUrl ? ResilientThrottlerStorage.connect(config.redisUrl) : undefined,
  };
}
