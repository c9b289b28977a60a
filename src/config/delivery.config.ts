import { registerAs } from '@nestjs/config';
import { parseEnvironment } from './environment';

/** How queued emails are retried, picked up and cleaned away. */
export interface DeliveryConfig {
  retryBaseSeconds: number;
  maxAttempts: number;
  pollIntervalSeconds: number;
  /** A row claimed longer ago than this is taken to belong to a crashed instance and is claimed again. */
  claimTimeoutSeconds: number;
  purgeAfterHours: number;
  /** At most one reset email per address in this many seconds. */
  resetEmailCooldownSeconds: number;
  /** Reset requests older than this are not sent any more: a link would arrive stale. */
  tokenTtlMinutes: number;
}

export const deliveryConfig = registerAs('delivery', (): DeliveryConfig => {
  const env = parseEnvironment(process.env);
  return {
    retryBaseSeconds: env.MAIL_RETRY_BASE_SECONDS,
    maxAttempts: env.MAIL_MAX_ATTEMPTS,
    pollIntervalSeconds: env.MAIL_POLL_INTERVAL_SECONDS,
    claimTimeoutSeconds: env.MAIL_CLAIM_TIMEOUT_SECONDS,
    purgeAfterHours: env.PURGE_AFTER_HOURS,
    resetEmailCooldownSeconds: env.RESET_EMAIL_COOLDOWN_SECONDS,
    tokenTtlMinutes: env.RESET_TOKEN_TTL_MINUTES,
  };
});
