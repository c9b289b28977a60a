import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './environment';

/** The per-IP limits, one named throttler each. */
export const THROTTLER_NAMES = [
  'forgot-password',
  'login',
  'reset-password',
  'register',
  'change-password',
] as const;
export type ThrottlerName = (typeof THROTTLER_NAMES)[number];

export interface ThrottleConfig {
  limits: Record<ThrottlerName, { limit: number; windowSeconds: number }>;
  /** Express `trust proxy` setting; `false` means the socket address is the client. */
  trustProxy: boolean | number | string;
  /** Shared throttle storage for several instances; in memory when unset. */
  redisUrl?: string;
  /** At most one reset email per address in this many seconds (0: no cooldown). */
  resetEmailCooldownSeconds: number;
  /** At most this many reset emails per address per 24 hours (0: no cap). */
  resetEmailDailyLimit: number;
  /** Failed logins per address from one client network before that network is locked out of it. */
  loginMaxFailures: number;
  /** Those failures are counted in this window, and a lock lasts as long. */
  loginFailureWindowSeconds: number;
  /** Failed logins per address from anywhere before the address is locked. */
  loginMaxFailuresPerAddress: number;
  loginFailureWindowPerAddressSeconds: number;
}

/** `true`/`false`, a hop count, or an address list as Express understands it. */
export function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined) return false;
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'true') return true;
  if (trimmed === 'false' || trimmed === '') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return value.trim();
}

export const throttleConfig = registerAs('throttle', (): ThrottleConfig => {
  const env = loadEnvironment();
  return {
    limits: {
      'forgot-password': {
        limit: env.FORGOT_PASSWORD_LIMIT,
        windowSeconds: env.FORGOT_PASSWORD_WINDOW_SECONDS,
      },
      login: { limit: env.LOGIN_LIMIT, windowSeconds: env.LOGIN_WINDOW_SECONDS },
      'reset-password': {
        limit: env.RESET_PASSWORD_LIMIT,
        windowSeconds: env.RESET_PASSWORD_WINDOW_SECONDS,
      },
      register: { limit: env.REGISTER_LIMIT, windowSeconds: env.REGISTER_WINDOW_SECONDS },
      'change-password': {
        limit: env.CHANGE_PASSWORD_LIMIT,
        windowSeconds: env.CHANGE_PASSWORD_WINDOW_SECONDS,
      },
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    redisUrl: env.REDIS_URL,
    resetEmailCooldownSeconds: env.RESET_EMAIL_COOLDOWN_SECONDS,
    resetEmailDailyLimit: env.RESET_EMAIL_DAILY_LIMIT,
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    loginMaxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS,
    loginFailureWindowPerAddressSeconds: env.LOGIN_FAILURE_WINDOW_PER_ADDRESS_SECONDS,
  };
});
