import type { PasswordResetModuleOptions } from '../../password-reset.options';
import {
  optionRow,
  type OptionPath,
  type PasswordResetOptionRow,
} from '../../password-reset.option-table';
import type { EnvironmentVariables } from './environment';

/**
 * The variables that each set one option of the module, as they are: the option's default and range
 * (`PASSWORD_RESET_OPTION_TABLE`) are the variable's, and a bad value is refused with the variable's
 * name. `SMTP_POOL_SIZE` is also the size of the service's own SMTP pool: one send per connection.
 */
export const OPTION_VARIABLES = {
  RESET_PASSWORD_PATH: 'resetPath',
  RESET_TOKEN_TTL_MINUTES: 'tokenTtlMinutes',
  RESET_CODE_ENABLED: 'resetCode.enabled',
  RESET_CODE_TTL_MINUTES: 'resetCode.ttlMinutes',
  INVITE_TTL_HOURS: 'inviteTtlHours',
  SIGN_IN_URL: 'signInUrl',
  NOTIFY_UNKNOWN_RECIPIENTS: 'notifyUnknownRecipients',
  SIGN_UP_URL: 'signUpUrl',
  REGISTRATION_MODE: 'registration',
  APP_NAME: 'appName',
  MAIL_RESET_SUBJECT: 'subjects.passwordReset',
  MAIL_CHANGED_SUBJECT: 'subjects.passwordChanged',
  MAIL_TEMPLATES_DIR: 'templatesDir',
  MAIL_DEFAULT_LOCALE: 'defaultLocale',
  ARGON2_MEMORY_KIB: 'argon2.memoryCost',
  ARGON2_TIME_COST: 'argon2.timeCost',
  ARGON2_PARALLELISM: 'argon2.parallelism',
  PASSWORD_MIN_SCORE: 'passwordPolicy.minScore',
  PWNED_PASSWORDS_URL: 'passwordPolicy.pwnedPasswordsUrl',
  PWNED_PASSWORDS_MIN_COUNT: 'passwordPolicy.pwnedPasswordsMinCount',
  PWNED_PASSWORDS_FAIL_CLOSED: 'passwordPolicy.pwnedPasswordsFailClosed',
  FORGOT_PASSWORD_LIMIT: 'limits.perIp.forgotPassword.limit',
  FORGOT_PASSWORD_WINDOW_SECONDS: 'limits.perIp.forgotPassword.windowSeconds',
  RESET_PASSWORD_LIMIT: 'limits.perIp.resetPassword.limit',
  RESET_PASSWORD_WINDOW_SECONDS: 'limits.perIp.resetPassword.windowSeconds',
  LOGIN_LIMIT: 'limits.perIp.login.limit',
  LOGIN_WINDOW_SECONDS: 'limits.perIp.login.windowSeconds',
  REGISTER_LIMIT: 'limits.perIp.register.limit',
  REGISTER_WINDOW_SECONDS: 'limits.perIp.register.windowSeconds',
  CHANGE_PASSWORD_LIMIT: 'limits.perIp.changePassword.limit',
  CHANGE_PASSWORD_WINDOW_SECONDS: 'limits.perIp.changePassword.windowSeconds',
  REDIS_URL: 'limits.redisUrl',
  RESET_EMAIL_COOLDOWN_SECONDS: 'limits.resetEmailCooldownSeconds',
  RESET_EMAIL_DAILY_LIMIT: 'limits.resetEmailDailyLimit',
  RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: 'limits.resetEmailDailyLimitPerAddress',
  LOGIN_MAX_FAILURES: 'limits.loginMaxFailures',
  LOGIN_FAILURE_WINDOW_SECONDS: 'limits.loginFailureWindowSeconds',
  LOGIN_MAX_FAILURES_PER_ADDRESS: 'limits.loginMaxFailuresPerAddress',
  LOGIN_FAILURE_WINDOW_PER_ADDRESS_SECONDS: 'limits.loginFailureWindowPerAddressSeconds',
  MAIL_RETRY_BASE_SECONDS: 'delivery.retryBaseSeconds',
  MAIL_MAX_ATTEMPTS: 'delivery.maxAttempts',
  MAIL_POLL_INTERVAL_SECONDS: 'delivery.pollIntervalSeconds',
  MAIL_CLAIM_TIMEOUT_SECONDS: 'delivery.claimTimeoutSeconds',
  PURGE_AFTER_HOURS: 'delivery.purgeAfterHours',
  SMTP_POOL_SIZE: 'delivery.concurrentSends',
  MAIL_RESET_JITTER_MS: 'delivery.resetJitterMs',
  JWT_SECRET: 'jwt.secret',
  JWT_EXPIRES_IN: 'jwt.expiresIn',
} as const satisfies Record<string, OptionPath>;

export type OptionVariable = keyof typeof OPTION_VARIABLES;

/**
 * Service variables mapped onto an option with rules of the service's own (defaults that depend on
 * NODE_ENV or PORT, a syntax of its own): checked in `environment.ts`, mapped below.
 */
const SERVICE_VARIABLES_OF_OPTIONS: Partial<Record<OptionPath, keyof EnvironmentVariables>> = {
  frontendUrl: 'FRONTEND_URL',
  resetPage: 'RESET_PAGE_ENABLED',
  cors: 'CORS_ORIGINS',
};

const VARIABLE_OF_OPTION = new Map<string, string>([
  ...Object.entries(OPTION_VARIABLES).map(([variable, path]) => [path, variable] as const),
  ...Object.entries(SERVICE_VARIABLES_OF_OPTIONS),
]);

/** What the service calls an option in its errors: the variable that sets it. */
export function variableOf(path: string): string {
  return VARIABLE_OF_OPTION.get(path) ?? path;
}

/** CORS_ORIGINS that turns CORS off. */
export const CORS_NONE = 'none';

/** CORS_ORIGINS (validated: `none`, or comma-separated origins) as the module's `cors` option. */
function corsOptionFrom(value: string | undefined): PasswordResetModuleOptions['cors'] {
  if (value === undefined) return undefined;
  if (value.trim().toLowerCase() === CORS_NONE) return false;
  return { origins: value.split(',').map((origin) => origin.trim()) };
}

/**
 * A whole number as a number; anything else as it was given, for the module's check to refuse with
 * the variable's name and range.
 */
function wholeNumberOrAsGiven(value: string): number | string {
  return /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
}

/** `true` or `false` as a boolean; anything else as it was given, for the module's check to refuse. */
function booleanOrAsGiven(value: string): boolean | string {
  const word = value.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : value;
}

/** Sets the dotted `path` of `target`, making the objects on the way. */
function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/**
 * The standalone service's environment as options of the module it hosts. `variables` are the set,
 * non-empty ones; a variable left unset leaves its option to the module's default.
 */
export function passwordResetOptionsFrom(
  variables: Record<string, string | undefined>,
  env: EnvironmentVariables,
): PasswordResetModuleOptions {
  const options: Record<string, unknown> = {
    // Outside production the service links to itself when no front end is configured.
    frontendUrl: env.FRONTEND_URL ?? `http://localhost:${env.PORT}`,
    // The reference page: there to try the whole flow, replaced by a real front end in production.
    resetPage: env.RESET_PAGE_ENABLED ?? env.NODE_ENV !== 'production',
  };
  // Unset: the module's default, the origin of FRONTEND_URL.
  const cors = corsOptionFrom(env.CORS_ORIGINS);
  if (cors !== undefined) options.cors = cors;
  for (const [variable, path] of Object.entries(OPTION_VARIABLES)) {
    const value = variables[variable];
    if (value === undefined) continue;
    const row: PasswordResetOptionRow = optionRow(path);
    setAt(
      options,
      path,
      'min' in row
        ? wholeNumberOrAsGiven(value)
        : typeof row.default === 'boolean'
          ? booleanOrAsGiven(value)
          : value,
    );
  }
  return options as unknown as PasswordResetModuleOptions;
}
