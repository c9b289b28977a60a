import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Secret } from './common/secret';
import { browserOrigin } from './http/cors.middleware';

/** A per-IP limit: at most `limit` requests from one client IP per `windowSeconds`. */
export interface RateLimit {
  /** Requests allowed in the window. */
  limit: number;
  /** Length of the window, in seconds. */
  windowSeconds: number;
}

/** The routes' per-IP limits, by name. */
export interface PerIpLimits {
  /** `POST auth/forgot-password` (default 5 per 900 s). */
  forgotPassword: RateLimit;
  /** `POST auth/reset-password` and `POST auth/reset-password/verify`, one bucket (default 20 per 900 s). */
  resetPassword: RateLimit;
  /** `POST auth/login`, built-in users only (default 10 per 900 s). */
  login: RateLimit;
  /** `POST auth/register`, built-in users only (default 10 per 3600 s). */
  register: RateLimit;
  /** `POST auth/change-password` and `DELETE users/me`, one bucket, built-in users only (default 10 per 900 s). */
  changePassword: RateLimit;
}

/** Options of {@link PasswordResetModule}. Only `frontendUrl` is required; everything else has a default. */
export interface PasswordResetModuleOptions {
  /**
   * Origin of the page that shows the reset form, such as `https://app.example.com`. Reset links are
   * built from this and `resetPath` alone, never from a request's Host or Forwarded headers. Required.
   */
  frontendUrl: string;
  /** Path of the reset page on `frontendUrl`; links are `${frontendUrl}${resetPath}#token=…` (default `/reset-password`). */
  resetPath?: string;
  /** How long a reset link works, in minutes (default 60, at most 10080). */
  tokenTtlMinutes?: number;
  /** Product name in the subject lines and the header of the emails (default `Your account`). */
  appName?: string;
  /** Subject lines; `{{appName}}` is replaced (defaults `{{appName}}: reset your password` and `{{appName}}: your password was changed`). */
  subjects?: { passwordReset?: string; passwordChanged?: string };
  /** Sender of the emails (default: the `defaults.from` of the host's `MailerModule`). */
  from?: string;
  /**
   * Serve the reference reset page (HTML, one script, one stylesheet) at `resetPath`, under the host's
   * prefix (default false: a host usually has its own front end).
   */
  resetPage?: boolean;
  /** Where the reset page sends people to sign in once the password is set: an http(s) URL or a path (default `frontendUrl`). */
  signInUrl?: string;
  /**
   * CORS for the module's routes: the origins (`https://app.example.com`, no path) whose pages may
   * call them from a browser, without credentials; `false` answers no origin (default: the origin
   * of `frontendUrl`). Preflights are answered `204`. The host's other routes are not touched.
   */
  cors?: { origins: string[] } | false;
  /** Folder with the email templates, `layout.hbs` and both parts of each email (default: the templates shipped in the package). */
  templatesDir?: string;
  /** argon2id cost for the built-in users' passwords (default 19456 KiB, 2 passes, 1 lane: OWASP's minimum). */
  argon2?: { memoryCost?: number; timeCost?: number; parallelism?: number };
  /** Password policy: the zxcvbn score (0–4) a new password must reach (default 3). */
  passwordPolicy?: { minScore?: number };
  /** Per-IP and per-address limits. */
  limits?: {
    /** Per-IP limits of the module's routes (defaults per limit, see {@link PerIpLimits}). */
    perIp?: Partial<PerIpLimits>;
    /** Redis for the per-IP counts, shared by every instance (default: in memory, per instance). Counting falls back to memory while Redis is unreachable. */
    redisUrl?: string;
    /** Another store for the per-IP counts, instead of `redisUrl` (any `@nestjs/throttler` storage). */
    storage?: ThrottlerStorage;
    /** At most one reset email per address to one client network (IPv4 /24, IPv6 /56) in this many seconds; 0 turns it off (default 60). */
    resetEmailCooldownSeconds?: number;
    /** At most this many reset emails per address to one client network in 24 hours; 0 turns it off (default 5). */
    resetEmailDailyLimit?: number;
    /** At most this many reset emails per address in 24 hours, all networks together; 0 turns it off (default 20, or `resetEmailDailyLimit` if higher; at least `resetEmailDailyLimit`, at most 10000). */
    resetEmailDailyLimitPerAddress?: number;
    /** Failed logins per address from one client network (IPv4 /24, IPv6 /56) before that network is locked out of it (default 10; built-in users). */
    loginMaxFailures?: number;
    /** The window of those failures, and how long the lock lasts, in seconds (default 900). */
    loginFailureWindowSeconds?: number;
    /** Failed logins per address from anywhere before it is locked everywhere (default 100; at least `loginMaxFailures`, at most 100000). */
    loginMaxFailuresPerAddress?: number;
    /** The window of those, and how long that lock lasts, in seconds (default 900). */
    loginFailureWindowPerAddressSeconds?: number;
  };
  /** How queued emails are sent, retried and cleaned away. */
  delivery?: {
    /** Attempt n waits `retryBaseSeconds`·2^(n-1) seconds, ±25% (default 5). */
    retryBaseSeconds?: number;
    /** Then the email is marked failed and logged (default 8). */
    maxAttempts?: number;
    /** How often each instance looks for due emails (default 5). */
    pollIntervalSeconds?: number;
    /** A claim older than this belongs to a stopped instance and is taken again; it must outlive one send (default 120). */
    claimTimeoutSeconds?: number;
    /** Settled emails older than this are deleted by the hourly purge (default 24). */
    purgeAfterHours?: number;
    /** Emails sent at once: match the mailer's connection pool (default 5). */
    concurrentSends?: number;
    /**
     * A reset email waits a random time of up to this many milliseconds after its request, known
     * address or not, so that the work of sending it never lands right after the answer, where the
     * next request could time it (default 1000; 0 sends at once).
     */
    resetJitterMs?: number;
  };
  /**
   * Secret of the HMAC keys of per-address state (cooldowns, daily caps, login counts), at least 32
   * characters (default: `jwt.secret` with the built-in users; otherwise a random secret per instance,
   * with a warning, which resets those counts at every restart).
   */
  addressKeySecret?: string;
  /** Access tokens of the built-in users. */
  jwt?: {
    /** HS256 secret, at least 32 characters (default: a random secret per instance, with a warning). */
    secret?: string;
    /** Lifetime: seconds, or a number with `s`, `m`, `h` or `d` (default `15m`). */
    expiresIn?: string | number;
  };
}

/** The options with every default applied and checked; what the module's parts read. */
export interface PasswordResetSettings {
  frontendUrl: string;
  resetPath: string;
  tokenTtlMinutes: number;
  appName: string;
  subjects: { passwordReset: string; passwordChanged: string };
  from?: string;
  resetPage: boolean;
  signInUrl: string;
  /** The allowed origins, normalised as browsers send them, or `false`. */
  cors: { origins: string[] } | false;
  templatesDir: string;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  minPasswordScore: number;
  perIp: PerIpLimits;
  perIpStorage?: ThrottlerStorage;
  redisUrl?: string;
  resetEmailCooldownSeconds: number;
  resetEmailDailyLimit: number;
  resetEmailDailyLimitPerAddress: number;
  loginMaxFailures: number;
  loginFailureWindowSeconds: number;
  loginMaxFailuresPerAddress: number;
  loginFailureWindowPerAddressSeconds: number;
  delivery: Required<NonNullable<PasswordResetModuleOptions['delivery']>>;
  /** Set when a secret was given; otherwise the module makes one per instance. Never printed. */
  addressKeySecret?: Secret;
  jwt: { secret?: Secret; expiresInSeconds: number };
  builtInUsers: boolean;
}

/** Thrown at start-up when the options are not usable; the message names every problem. */
export class PasswordResetOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid PasswordResetModule options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PasswordResetOptionsError';
  }
}

const DEFAULT_PER_IP: PerIpLimits = {
  forgotPassword: { limit: 5, windowSeconds: 900 },
  resetPassword: { limit: 20, windowSeconds: 900 },
  login: { limit: 10, windowSeconds: 900 },
  register: { limit: 10, windowSeconds: 3600 },
  changePassword: { limit: 10, windowSeconds: 900 },
};

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `900`, `'900s'`, `'15m'`, `'12h'`, `'7d'` → seconds; `undefined` if it is none of those. */
export function durationToSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^(\d+)([smhd])?$/.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] ?? 's'];
  return seconds > 0 ? seconds : undefined;
}

/**
 * The package's own templates: `dist/templates` when built (the build copies them there), the
 * project's `templates/` when running from the sources.
 */
export function shippedTemplatesDir(): string {
  const built = resolve(__dirname, 'templates');
  return existsSync(built) ? built : resolve(__dirname, '..', 'templates');
}

/** Secrets are held so that logging or serialising the settings prints `[redacted]`. */
function wrap(value: string | undefined): Secret | undefined {
  return value === undefined ? undefined : new Secret(value);
}

/** Applies the defaults and checks every value; throws one error naming every problem. */
export function resolvePasswordResetOptions(
  options: PasswordResetModuleOptions | undefined,
  builtInUsers: boolean,
): PasswordResetSettings {
  const problems: string[] = [];
  const given = options ?? ({} as Partial<PasswordResetModuleOptions>);
  const integer = (
    name: string,
    value: number | undefined,
    fallback: number,
    min: number,
    max: number,
  ): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got ${String(value)})`);
      return fallback;
    }
    return value;
  };
  const secret = (name: string, value: string | undefined): string | undefined => {
    if (value !== undefined && (typeof value !== 'string' || value.length < 32)) {
      problems.push(`${name} must be at least 32 characters long`);
      return undefined;
    }
    return value;
  };

  let frontendUrl = '';
  if (typeof given.frontendUrl !== 'string' || !/^https?:\/\/[^/\s?#]+/i.test(given.frontendUrl)) {
    problems.push(
      'frontendUrl is required: the absolute http(s) origin of the reset page, such as https://app.example.com',
    );
  } else {
    frontendUrl = given.frontendUrl.replace(/\/+$/, '');
  }
  const resetPath = given.resetPath ?? '/reset-password';
  if (typeof resetPath !== 'string' || !/^\/[^#?\s]*$/.test(resetPath)) {
    problems.push('resetPath must start with / and hold no ?, # or spaces');
  }
  // Put in the reset page's sign-in link: a web address or a path, never a `javascript:` URL.
  const signInUrl = given.signInUrl ?? frontendUrl;
  if (
    given.signInUrl !== undefined &&
    (typeof signInUrl !== 'string' || !/^(https?:\/\/[^/\s?#]+|\/(?![/\\]))\S*$/i.test(signInUrl))
  ) {
    problems.push('signInUrl must be an absolute http(s) URL or a path starting with /');
  }
  let cors: PasswordResetSettings['cors'] = false;
  if (given.cors === undefined) {
    if (URL.canParse(frontendUrl)) cors = { origins: [new URL(frontendUrl).origin] };
    else if (frontendUrl !== '') problems.push(`frontendUrl is not a URL (${frontendUrl})`);
  } else if (given.cors !== false) {
    const listed: unknown = (given.cors as { origins?: unknown } | null)?.origins;
    if (!Array.isArray(listed) || listed.length === 0) {
      problems.push('cors must be false or { origins: [...] } with at least one origin');
    } else {
      const origins = listed.map((origin) => {
        const normalised = typeof origin === 'string' ? browserOrigin(origin) : undefined;
        if (normalised === undefined) {
          problems.push(
            `cors.origins: ${JSON.stringify(origin)} is not an origin (http(s)://host[:port], no path)`,
          );
        }
        return normalised ?? '';
      });
      cors = { origins };
    }
  }
  const appName = given.appName ?? 'Your account';
  const withAppName = (template: string) => template.replace(/\{\{\s*appName\s*\}\}/g, appName);
  const templatesDir = given.templatesDir ? resolve(given.templatesDir) : shippedTemplatesDir();
  if (!existsSync(join(templatesDir, 'password-reset.hbs'))) {
    problems.push(`templatesDir has no email templates (${templatesDir})`);
  }
  const perIp = { ...DEFAULT_PER_IP };
  for (const [name, limit] of Object.entries(given.limits?.perIp ?? {}) as [
    keyof PerIpLimits,
    RateLimit,
  ][]) {
    if (!(name in DEFAULT_PER_IP)) {
      problems.push(`limits.perIp.${name} is not a limit of this module`);
      continue;
    }
    perIp[name] = {
      limit: integer(
        `limits.perIp.${name}.limit`,
        limit?.limit,
        DEFAULT_PER_IP[name].limit,
        1,
        1e9,
      ),
      windowSeconds: integer(
        `limits.perIp.${name}.windowSeconds`,
        limit?.windowSeconds,
        DEFAULT_PER_IP[name].windowSeconds,
        1,
        1e7,
      ),
    };
  }
  const limits = given.limits ?? {};
  const loginMaxFailures = integer('limits.loginMaxFailures', limits.loginMaxFailures, 10, 1, 1000);
  const loginMaxFailuresPerAddress = integer(
    'limits.loginMaxFailuresPerAddress',
    limits.loginMaxFailuresPerAddress,
    Math.max(100, loginMaxFailures),
    1,
    100_000,
  );
  if (loginMaxFailuresPerAddress < loginMaxFailures) {
    problems.push('limits.loginMaxFailuresPerAddress must be at least limits.loginMaxFailures');
  }
  const resetEmailDailyLimit = integer(
    'limits.resetEmailDailyLimit',
    limits.resetEmailDailyLimit,
    5,
    0,
    1000,
  );
  // Below the per-network cap, the per-address one would make that cap meaningless, and one network
  // could again use up the owner's emails.
  const resetEmailDailyLimitPerAddress = integer(
    'limits.resetEmailDailyLimitPerAddress',
    limits.resetEmailDailyLimitPerAddress,
    Math.max(20, resetEmailDailyLimit),
    0,
    10_000,
  );
  if (
    resetEmailDailyLimitPerAddress !== 0 &&
    resetEmailDailyLimitPerAddress < resetEmailDailyLimit
  ) {
    problems.push(
      'limits.resetEmailDailyLimitPerAddress must be at least limits.resetEmailDailyLimit, or 0 (off)',
    );
  }
  const delivery = given.delivery ?? {};
  const expiresIn = given.jwt?.expiresIn ?? '15m';
  const expiresInSeconds = durationToSeconds(expiresIn);
  if (expiresInSeconds === undefined) {
    problems.push(
      'jwt.expiresIn must be a number of seconds or a duration such as 900s, 15m, 12h or 7d',
    );
  }
  const jwtSecret = secret('jwt.secret', given.jwt?.secret);

  const settings: PasswordResetSettings = {
    frontendUrl,
    resetPath,
    tokenTtlMinutes: integer('tokenTtlMinutes', given.tokenTtlMinutes, 60, 1, 7 * 24 * 60),
    appName,
    subjects: {
      passwordReset: withAppName(
        given.subjects?.passwordReset ?? '{{appName}}: reset your password',
      ),
      passwordChanged: withAppName(
        given.subjects?.passwordChanged ?? '{{appName}}: your password was changed',
      ),
    },
    from: given.from,
    resetPage: given.resetPage ?? false,
    signInUrl,
    cors,
    templatesDir,
    argon2: {
      memoryCost: integer(
        'argon2.memoryCost',
        given.argon2?.memoryCost,
        19456,
        1024,
        4 * 1024 * 1024,
      ),
      timeCost: integer('argon2.timeCost', given.argon2?.timeCost, 2, 2, 100),
      parallelism: integer('argon2.parallelism', given.argon2?.parallelism, 1, 1, 16),
    },
    minPasswordScore: integer('passwordPolicy.minScore', given.passwordPolicy?.minScore, 3, 0, 4),
    perIp,
    perIpStorage: limits.storage,
    redisUrl: limits.redisUrl,
    resetEmailCooldownSeconds: integer(
      'limits.resetEmailCooldownSeconds',
      limits.resetEmailCooldownSeconds,
      60,
      0,
      86400,
    ),
    resetEmailDailyLimit,
    resetEmailDailyLimitPerAddress,
    loginMaxFailures,
    loginFailureWindowSeconds: integer(
      'limits.loginFailureWindowSeconds',
      limits.loginFailureWindowSeconds,
      900,
      1,
      7 * 86400,
    ),
    loginMaxFailuresPerAddress,
    loginFailureWindowPerAddressSeconds: integer(
      'limits.loginFailureWindowPerAddressSeconds',
      limits.loginFailureWindowPerAddressSeconds,
      900,
      1,
      7 * 86400,
    ),
    delivery: {
      retryBaseSeconds: integer('delivery.retryBaseSeconds', delivery.retryBaseSeconds, 5, 1, 3600),
      maxAttempts: integer('delivery.maxAttempts', delivery.maxAttempts, 8, 1, 50),
      pollIntervalSeconds: integer(
        'delivery.pollIntervalSeconds',
        delivery.pollIntervalSeconds,
        5,
        1,
        3600,
      ),
      claimTimeoutSeconds: integer(
        'delivery.claimTimeoutSeconds',
        delivery.claimTimeoutSeconds,
        120,
        1,
        86400,
      ),
      purgeAfterHours: integer(
        'delivery.purgeAfterHours',
        delivery.purgeAfterHours,
        24,
        1,
        24 * 365,
      ),
      concurrentSends: integer('delivery.concurrentSends', delivery.concurrentSends, 5, 1, 50),
      resetJitterMs: integer('delivery.resetJitterMs', delivery.resetJitterMs, 1000, 0, 60_000),
    },
    addressKeySecret: wrap(
      secret('addressKeySecret', given.addressKeySecret) ?? (builtInUsers ? jwtSecret : undefined),
    ),
    jwt: { secret: wrap(jwtSecret), expiresInSeconds: expiresInSeconds ?? 900 },
    builtInUsers,
  };
  if (problems.length > 0) throw new PasswordResetOptionsError(problems);
  return settings;
}
