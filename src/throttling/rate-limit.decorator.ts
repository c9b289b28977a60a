import { SetMetadata } from '@nestjs/common';
import type { ThrottlerName } from '../config/throttle.config';

export const RATE_LIMIT_KEY = 'nest-password-reset:rate-limit';

/** Puts a route under one of the named per-IP limits (see `RouteThrottlerGuard`). */
export const RateLimit = (name: ThrottlerName): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_KEY, name);
