import type { PasswordResetModuleOptions } from '../../password-reset.options';
import { CORS_NONE, type EnvironmentVariables } from './environment';

/** CORS_ORIGINS (validated: `none`, or comma-separated origins) as the module's `cors` option. */
function corsOptionFrom(value: string | undefined): PasswordResetModuleOptions['cors'] {
  if (value === undefined) return undefined;
  if (value.trim().toLowerCase() === CORS_NONE) return false;
  return { origins: value.split(',').map((origin) => origin.trim()) };
}

/**
 * The standalone service's environment, as options of the module it hosts. Everything the module
 * does is configured here; the variables and their defaults are in `environment.ts`.
 */
export function passwordResetOptionsFrom(env: EnvironmentVariables): PasswordResetModuleOptions {
  const limit = (limit: number, windowSeconds: number) => ({ limit, windowSeconds });
  return {
    // Outside production the service links to itself when no front end is configured.
    frontendUrl: env.FRONTEND_URL ?? `http://localhost:${env.PORT}`,
    resetPath: env.RESET_PASSWORD_PATH,
    tokenTtlMinutes: env.RESET_TOKEN_TTL_MINUTES,
    appName: env.APP_NAME,
    subjects: { passwordReset: env.MAIL_RESET_SUBJECT, passwordChanged: env.MAIL_CHANGED_SUBJECT },
    templatesDir: env.MAIL_TEMPLATES_DIR,
    // The reference page: there to try the whole flow, replaced by a real front end in production.
    resetPage: env.RESET_PAGE_ENABLED ?? env.NODE_ENV !== 'production',
    signInUrl: env.SIGN_IN_URL,
    // Unset: the module's default, the origin of FRONTEND_URL.
    cors: corsOptionFrom(env.CORS_ORIGINS),
    argon2: {
      memoryCost: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    },
    passwordPolicy: { minScore: env.PASSWORD_MIN_SCORE },
    limits: {
      perIp: {
        forgotPassword: limit(env.FORGOT_PASSWORD_LIMIT, env.FORGOT_PASSWORD_WINDOW_SECONDS),
        resetPassword: limit(env.RESET_PASSWORD_LIMIT, env.RESET_PASSWORD_WINDOW_SECONDS),
        login: limit(env.LOGIN_LIMIT, env.LOGIN_WINDOW_SECONDS),
        register: limit(env.REGISTER_LIMIT, env.REGISTER_WINDOW_SECONDS),
        changePassword: limit(env.CHANGE_PASSWORD_LIMIT, env.CHANGE_PASSWORD_WINDOW_SECONDS),
      },
      redisUrl: env.REDIS_URL,
      resetEmailCooldownSeconds: env.RESET_EMAIL_COOLDOWN_SECONDS,
      resetEmailDailyLimit: env.RESET_EMAIL_DAILY_LIMIT,
      resetEmailDailyLimitPerAddress: env.RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      loginMaxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS,
      loginFailureWindowPerAddressSeconds: env.LOGIN_FAILURE_WINDOW_PER_ADDRESS_SECONDS,
    },
    delivery: {
      retryBaseSeconds: env.MAIL_RETRY_BASE_SECONDS,
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
      pollIntervalSeconds: env.MAIL_POLL_INTERVAL_SECONDS,
      claimTimeoutSeconds: env.MAIL_CLAIM_TIMEOUT_SECONDS,
      purgeAfterHours: env.PURGE_AFTER_HOURS,
      // One send per pooled SMTP connection.
      concurrentSends: env.SMTP_POOL_SIZE,
      resetJitterMs: env.MAIL_RESET_JITTER_MS,
    },
    jwt: { secret: env.JWT_SECRET, expiresIn: env.JWT_EXPIRES_IN },
  };
}
