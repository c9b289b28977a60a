/**
 * Every option of {@link PasswordResetModuleOptions}: its default and, for numbers, the range it must
 * fall in. The module's resolution takes them from here, the standalone service checks its
 * environment against them, and a test holds the README and `.env.example` to them, so a default
 * changes in one line.
 */
export interface PasswordResetOptionRow {
  /** Where the option sits in the options, dotted: `limits.perIp.login.limit`. */
  readonly path: string;
  /** The default, when it is one plain value; otherwise the option's JSDoc says what stands in. */
  readonly default?: number | string | boolean;
  /** Whole-number options: the smallest and the largest value accepted. */
  readonly min?: number;
  readonly max?: number;
  /** Text options: the longest value accepted. */
  readonly maxLength?: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A route group's per-IP limit: requests, and the window they are counted in (seconds). */
function perIp<Route extends string>(route: Route, limit: number, windowSeconds: number) {
  return [
    { path: `limits.perIp.${route}.limit`, default: limit, min: 1, max: 1_000_000_000 },
    {
      path: `limits.perIp.${route}.windowSeconds`,
      default: windowSeconds,
      min: 1,
      max: 10_000_000,
    },
  ] as const;
}

export const PASSWORD_RESET_OPTION_TABLE = [
  { path: 'frontendUrl' },
  { path: 'resetPath', default: '/reset-password' },
  { path: 'resetPage', default: false },
  { path: 'signInUrl' },
  { path: 'notifyUnknownRecipients', default: false },
  { path: 'signUpUrl' },
  { path: 'registration', default: 'open' },
  { path: 'cors' },
  { path: 'apiTag', default: 'Password reset', maxLength: 100 },
  { path: 'tokenTtlMinutes', default: 60, min: 1, max: (7 * DAY) / MINUTE },
  { path: 'resetCode.enabled', default: false },
  { path: 'resetCode.ttlMinutes', default: 10, min: 1, max: HOUR / MINUTE },
  { path: 'inviteTtlHours', default: 72, min: 1, max: (30 * DAY) / HOUR },
  { path: 'appName', default: 'Your account', maxLength: 100 },
  // Unset: the default locale's subject lines, from its messages.json.
  { path: 'subjects.passwordReset', maxLength: 200 },
  { path: 'subjects.passwordChanged', maxLength: 200 },
  { path: 'from' },
  { path: 'templatesDir' },
  { path: 'defaultLocale', default: 'en', maxLength: 35 },
  // OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
  { path: 'argon2.memoryCost', default: 19_456, min: 1024, max: 4 * 1024 * 1024 },
  { path: 'argon2.timeCost', default: 2, min: 2, max: 100 },
  { path: 'argon2.parallelism', default: 1, min: 1, max: 16 },
  { path: 'passwordPolicy.minScore', default: 3, min: 0, max: 4 },
  // Unset: no breached-password check.
  { path: 'passwordPolicy.pwnedPasswordsUrl' },
  { path: 'passwordPolicy.pwnedPasswordsMinCount', default: 1, min: 1, max: 1_000_000_000 },
  { path: 'passwordPolicy.pwnedPasswordsFailClosed', default: false },
  ...perIp('forgotPassword', 5, 15 * MINUTE),
  ...perIp('resetPassword', 20, 15 * MINUTE),
  ...perIp('login', 10, 15 * MINUTE),
  ...perIp('register', 10, HOUR),
  ...perIp('changePassword', 10, 15 * MINUTE),
  { path: 'limits.redisUrl' },
  { path: 'limits.storage' },
  { path: 'limits.resetEmailCooldownSeconds', default: 60, min: 0, max: DAY },
  { path: 'limits.resetEmailDailyLimit', default: 5, min: 0, max: 1000 },
  // Raised to limits.resetEmailDailyLimit when that is higher.
  { path: 'limits.resetEmailDailyLimitPerAddress', default: 20, min: 0, max: 10_000 },
  { path: 'limits.loginMaxFailures', default: 10, min: 1, max: 1000 },
  { path: 'limits.loginFailureWindowSeconds', default: 15 * MINUTE, min: 1, max: 7 * DAY },
  // Raised to limits.loginMaxFailures when that is higher.
  { path: 'limits.loginMaxFailuresPerAddress', default: 100, min: 1, max: 100_000 },
  {
    path: 'limits.loginFailureWindowPerAddressSeconds',
    default: 15 * MINUTE,
    min: 1,
    max: 7 * DAY,
  },
  { path: 'delivery.retryBaseSeconds', default: 5, min: 1, max: HOUR },
  { path: 'delivery.maxAttempts', default: 8, min: 1, max: 50 },
  { path: 'delivery.pollIntervalSeconds', default: 5, min: 1, max: HOUR },
  { path: 'delivery.claimTimeoutSeconds', default: 120, min: 1, max: DAY },
  { path: 'delivery.purgeAfterHours', default: 24, min: 1, max: 365 * 24 },
  { path: 'delivery.concurrentSends', default: 5, min: 1, max: 50 },
  { path: 'delivery.resetJitterMs', default: 1000, min: 0, max: 60_000 },
  { path: 'addressKeySecret' },
  { path: 'jwt.secret' },
  { path: 'jwt.expiresIn', default: '15m' },
] as const satisfies readonly PasswordResetOptionRow[];

type Row = (typeof PASSWORD_RESET_OPTION_TABLE)[number];
/** The path of an option in the table. */
export type OptionPath = Row['path'];
/** The options taking a whole number within a range. */
export type WholeNumberOption = Extract<Row, { min: number }>['path'];
/** The options taking text with a plain default. */
export type TextOption = Extract<Row, { default: string }>['path'];

const ROWS = new Map<string, PasswordResetOptionRow>(
  PASSWORD_RESET_OPTION_TABLE.map((row) => [row.path, row]),
);

/** The table's row for `path`. */
export function optionRow<P extends OptionPath>(path: P): Extract<Row, { path: P }> {
  return ROWS.get(path) as Extract<Row, { path: P }>;
}
