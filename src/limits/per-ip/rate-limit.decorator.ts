import { SetMetadata } from '@nestjs/common';
import type { PerIpLimits } from '../../password-reset.options';

export const RATE_LIMIT_KEY = 'nest-password-reset:rate-limit';

/** The name of one of the per-IP limits (`limits.perIp` in the options). */
export type PerIpLimitName = keyof PerIpLimits;

/** Puts a route under one of the named per-IP limits (see `PerIpLimitGuard`). */
export const RateLimit = (name: PerIpLimitName): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_KEY, name);
