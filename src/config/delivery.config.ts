import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './environment';

/** How queued emails are retried, picked up and cleaned away. */
export interface DeliveryConfig {
  retryBaseSeconds: number;
  maxAttempts: number;
  pollIntervalSeconds: number;
  /** A row claimed longer ago than this is taken to belong to a crashed instance and is claimed again. */
  claimTimeoutSeconds: number;
  purgeAfterHours: number;
  /** Emails sent at once: one per pooled SMTP connection. */
  concurrentSends: number;
}

export const deliveryConfig = registerAs('delivery', (): DeliveryConfig => {
  const env = loadEnvironment();
  return {
    retryBaseSeconds: env.MAIL_RETRY_BASE_SECONDS,
    maxAttempts: env.MAIL_MAX_ATTEMPTS,
    pollIntervalSeconds: env.MAIL_POLL_INTERVAL_SECONDS,
    claimTimeoutSeconds: env.MAIL_CLAIM_TIMEOUT_SECONDS,
    purgeAfterHours: env.PURGE_AFTER_HOURS,
    concurrentSends: env.SMTP_POOL_SIZE,
  };
});
