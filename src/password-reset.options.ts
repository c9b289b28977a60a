import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Secret } from './common/secret';
import { canonicalLocale } from './i18n/locale-tags';
import { findLocaleFolders, shippedTemplatesDir } from './mail/mail-locales';
import { browserOrigin } from './http/cors.middleware';
import {
  optionRow,
  OptionPath,
  PasswordResetOptionRow,
  TextOption,
  WholeNumberOption,
} from './password-reset.option-table';

/** A per-IP limit: at most `limit` requests from one client IP per `windowSeconds`. */
export interface RateLimit {
  /** Requests allowed in the window. */
  limit: number;
  /** Length of the window, in seconds. */
  windowSeconds: number;
}

/** The routes' per-IP limits, by name. */
export interface PerIpLimits {
  /** `POST auth/forgot-password` */
  forgotPassword: RateLimit;
  /** `POST auth/reset-password` and `POST auth/reset-password/verify`, one bucket. */
  resetPassword: RateLimit;
  /** `POST auth/login`, built-in users only. */
  login: RateLimit;
  /** `POST auth/register`, built-in users only. */
  register: RateLimit;
  /** `POST auth/change-password` and `DELETE users/me`, one bucket, built-in users only. */
  changePassword: RateLimit;
}

/**
 * Options of {@link PasswordResetModule}. Only `frontendUrl` is required; everything else has a
 * default. The defaults and ranges of plain values are in `PASSWORD_RESET_OPTION_TABLE`
 * (`password-reset.option-table.ts`) and the README's options table, which a test keeps equal.
 */
export interface PasswordResetModuleOptions {
  /**
   * Origin of the page that shows the reset form, such as `https://app.example.com`. Reset links are
   * built from this and `resetPath` alone, never from a request's Host or Forwarded headers. Required.
   */
  frontendUrl: string;
  /** Path of the reset page on `frontendUrl`; links are `${frontendUrl}${resetPath}?lang=<locale>#token=…`. */
  resetPath?: string;
  /** How long a reset link works, in minutes. */
  tokenTtlMinutes?: number;
  /**
   * A one-time 8-digit code in the reset email beside the link, for apps that cannot open links: it
   * is typed in with the address (`POST auth/reset-password/code`), works for `ttlMinutes` (the link
   * keeps its own lifetime) and is burnt by five wrong tries. Off by default.
   */
  resetCode?: { enabled?: boolean; ttlMinutes?: number };
  /** How long the link of an invitation (`sendResetLink(id, { kind: 'invite' })`) works, in hours. */
  inviteTtlHours?: number;
  /** Product name in the subject lines and the header of the emails. */
  appName?: string;
  /**
   * Subject lines in the default locale, replacing those of its `messages.json`; `{{appName}}` is
   * replaced. Other locales take theirs from their own `messages.json`.
   */
  subjects?: { passwordReset?: string; passwordChanged?: string };
  /**
   * Sender of the emails through `MailerModule` (default: its `defaults.from`). Not with `mailer`:
   * the host's `PasswordResetMailer` chooses the sender, and start-up refuses both together.
   */
  from?: string;
  /**
   * Serve the reference reset page (HTML, one script, one stylesheet) at `resetPath`, under the host's
   * prefix (off by default: a host usually has its own front end).
   */
  resetPage?: boolean;
  /** Where the reset page sends people to sign in once the password is set: an http(s) URL or a path (default `frontendUrl`). */
  signInUrl?: string;
  /**
   * Answer a forgot-password request for an address with no account with a short email to that
   * address: someone asked to reset a password here, no account uses it, ignore it or sign up. Sent
   * from the queue like a reset email, under the same per-address limits; the request's answer and
   * its timing do not change.
   */
  notifyUnknownRecipients?: boolean;
  /** The sign-up page that email offers: an http(s) URL, or a path on `frontendUrl` (unset: it offers none). */
  signUpUrl?: string;
  /**
   * How `POST auth/register` answers (built-in users). `open`: 201 with the account, 409 for a taken
   * address. `enumeration-safe`: the same 202 for a new and a taken address, after the same work;
   * the owner of a taken address is emailed that someone tried to sign up with it, under the reset
   * emails' per-address limits.
   */
  registration?: RegistrationMode;
  /**
   * CORS for the module's routes: the origins (`https://app.example.com`, no path) whose pages may
   * call them from a browser, without credentials; `false` answers no origin (default: the origin
   * of `frontendUrl`). Preflights are answered `204`. The host's other routes are not touched.
   */
  cors?: { origins: string[] } | false;
  /** The tag of every route of the module in the host's OpenAPI document. */
  apiTag?: string;
  /**
   * Folder of email templates with one folder per locale (`en/`, `de/`, `pt-BR/`), each holding
   * `layout.hbs`, both parts of each email and `messages.json` (subjects and short texts). Its locales
   * are added to the shipped ones (`en`, `de`, `fr`, `es`), replacing a shipped one of the same name.
   * Each is checked at start-up against the default locale's folder.
   */
  templatesDir?: string;
  /**
   * The locale of emails to accounts with no stored locale, or one no folder serves (a BCP 47 tag
   * with a templates folder). An account's `de-AT` is served by `de-AT/`, else `de/`, else this.
   */
  defaultLocale?: string;
  /** argon2id cost for the built-in users' passwords (memory in KiB; by default OWASP's minimum). */
  argon2?: { memoryCost?: number; timeCost?: number; parallelism?: number };
  /** Password policy: how strong a new password must be, and whether breached ones are refused. */
  passwordPolicy?: {
    /** The zxcvbn score (0–4) a new password must reach. */
    minScore?: number;
    /**
     * A Pwned Passwords range endpoint, to which the first 5 hex characters of a new password's
     * SHA-1 are appended (`https://api.pwnedpasswords.com/range/`): a password found there is
     * refused. Only those 5 characters leave the process. Unset: no such check.
     */
    pwnedPasswordsUrl?: string;
    /** How many times a password must appear in breaches to be refused. */
    pwnedPasswordsMinCount?: number;
    /**
     * When the endpoint cannot answer in time: refuse new passwords with `503 UNAVAILABLE` (true)
     * rather than accept them unchecked, with a warning (false).
     */
    pwnedPasswordsFailClosed?: boolean;
  };
  /** Per-IP and per-address limits. */
  limits?: {
    /** Per-IP limits of the module's routes; a route group left out keeps its default. */
    perIp?: Partial<PerIpLimits>;
    /** Redis for the per-IP counts, shared by every instance (default: in memory, per instance). Counting falls back to memory while Redis is unreachable. */
    redisUrl?: string;
    /** Another store for the per-IP counts, instead of `redisUrl` (any `@nestjs/throttler` storage). */
    storage?: ThrottlerStorage;
    /** At most one reset email per address to one client network (IPv4 /24, IPv6 /56) in this many seconds; 0 turns it off. */
    resetEmailCooldownSeconds?: number;
    /** At most this many reset emails per address to one client network in 24 hours; 0 turns it off. */
    resetEmailDailyLimit?: number;
    /** At most this many reset emails per address in 24 hours, all networks together; 0 turns it off, else at least `resetEmailDailyLimit` (by default raised to it when it is higher). */
    resetEmailDailyLimitPerAddress?: number;
    /** Failed logins per address from one client network (IPv4 /24, IPv6 /56) before that network is locked out of it (built-in users). */
    loginMaxFailures?: number;
    /** The window of those failures, and how long the lock lasts, in seconds. */
    loginFailureWindowSeconds?: number;
    /** Failed logins per address from anywhere before it is locked everywhere: at least `loginMaxFailures` (by default raised to it when it is higher). */
    loginMaxFailuresPerAddress?: number;
    /** The window of those, and how long that lock lasts, in seconds. */
    loginFailureWindowPerAddressSeconds?: number;
  };
  /** How queued emails are sent, retried and cleaned away. */
  delivery?: {
    /** Attempt n waits `retryBaseSeconds`·2^(n-1) seconds, ±25%. */
    retryBaseSeconds?: number;
    /** Then the email is marked failed and logged. */
    maxAttempts?: number;
    /** How often each instance looks for due emails, in seconds. */
    pollIntervalSeconds?: number;
    /** A claim older than this belongs to a stopped instance and is taken again; it must outlive one send. */
    claimTimeoutSeconds?: number;
    /** Settled emails older than this are deleted by the hourly purge. */
    purgeAfterHours?: number;
    /** Emails sent at once: match the mailer's connection pool. */
    concurrentSends?: number;
    /**
     * A reset email waits a random time of up to this many milliseconds after its request, known
     * address or not, so that the work of sending it never lands right after the answer, where the
     * next request could time it (0 sends at once).
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
    /** Lifetime: seconds, or a number with `s`, `m`, `h` or `d`. */
    expiresIn?: string | number;
  };
}

/**
 * The options with every default applied and checked, in the options' own shape; what the module's
 * parts read.
 */
export interface PasswordResetSettings {
  frontendUrl: string;
  resetPath: string;
  tokenTtlMinutes: number;
  resetCode: { enabled: boolean; ttlMinutes: number };
  inviteTtlHours: number;
  appName: string;
  /** Only those given: the rest come from the locales' `messages.json`. */
  subjects: { passwordReset?: string; passwordChanged?: string };
  from?: string;
  resetPage: boolean;
  signInUrl: string;
  notifyUnknownRecipients: boolean;
  /** Absolute: a path given is resolved on `frontendUrl`. */
  signUpUrl?: string;
  registration: RegistrationMode;
  /** The allowed origins, normalised as browsers send them, or `false`. */
  cors: { origins: string[] } | false;
  apiTag: string;
  templatesDir: string;
  defaultLocale: string;
  /** Every locale with email templates, the host's over the shipped ones: tag → folder. */
  localeFolders: ReadonlyMap<string, string>;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  passwordPolicy: {
    minScore: number;
    pwnedPasswordsUrl?: string;
    pwnedPasswordsMinCount: number;
    pwnedPasswordsFailClosed: boolean;
  };
  limits: {
    perIp: PerIpLimits;
    redisUrl?: string;
    storage?: ThrottlerStorage;
    resetEmailCooldownSeconds: number;
    resetEmailDailyLimit: number;
    resetEmailDailyLimitPerAddress: number;
    loginMaxFailures: number;
    loginFailureWindowSeconds: number;
    loginMaxFailuresPerAddress: number;
    loginFailureWindowPerAddressSeconds: number;
  };
  delivery: Required<NonNullable<PasswordResetModuleOptions['delivery']>>;
  /** Set when a secret was given; otherwise the module makes one per instance. Never printed. */
  addressKeySecret?: Secret;
  /** `expiresIn` in seconds, whichever way it was given. */
  jwt: { secret?: Secret; expiresIn: number };
  builtInUsers: boolean;
}

/** Thrown at start-up when the options are not usable; the message names every problem. */
export class PasswordResetOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid PasswordResetModule options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PasswordResetOptionsError';
  }
}

/** One reason the options are refused, and the option it is about (its path). */
export interface OptionProblem {
  path: string;
  message: string;
}

/** The ways `POST auth/register` may answer (see {@link PasswordResetModuleOptions.registration}). */
export const REGISTRATION_MODES = ['open', 'enumeration-safe'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** The route groups with a per-IP limit. */
const PER_IP_ROUTES = [
  'forgotPassword',
  'resetPassword',
  'login',
  'register',
  'changePassword',
] as const satisfies readonly (keyof PerIpLimits)[];

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `900`, `'900s'`, `'15m'`, `'12h'`, `'7d'` → seconds; `undefined` if it is none of those. */
export function durationToSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^(\d+)([smhd])?$/.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] ?? 's'];
  return seconds > 0 ? seconds : undefined;
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
  const { settings, problems } = checkPasswordResetOptions(options, builtInUsers);
  if (problems.length > 0) {
    throw new PasswordResetOptionsError(problems.map((problem) => problem.message));
  }
  return settings;
}

/**
 * Applies the defaults of `PASSWORD_RESET_OPTION_TABLE` and checks every value against it,
 * returning every problem. `nameOf` says what a problem calls an option: its path for a host, the
 * variable that set it for the standalone service.
 */
export function checkPasswordResetOptions(
  options: PasswordResetModuleOptions | undefined,
  builtInUsers: boolean,
  nameOf: (path: OptionPath) => string = (path) => path,
): { settings: PasswordResetSettings; problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  const refuse = (path: string, message: string) => problems.push({ path, message });
  const given = options ?? ({} as Partial<PasswordResetModuleOptions>);
  /** A whole number within the table's range; its default (or `fallback`) when absent or refused. */
  const whole = (path: WholeNumberOption, value: unknown, fallback?: number): number => {
    const row = optionRow(path);
    if (value === undefined) return fallback ?? row.default;
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < row.min ||
      value > row.max
    ) {
      refuse(
        path,
        `${nameOf(path)} must be a whole number from ${row.min} to ${row.max} (got ${typeof value === 'number' ? value : JSON.stringify(value)})`,
      );
      return fallback ?? row.default;
    }
    return value;
  };
  /** Text with the table's default when absent, and its longest length when it has one. */
  const text = (path: TextOption, value: unknown): string => {
    const row: PasswordResetOptionRow = optionRow(path);
    const fallback = String(row.default);
    if (value === undefined) return fallback;
    const longest = row.maxLength ?? Infinity;
    if (typeof value !== 'string' || value.length === 0 || value.length > longest) {
      refuse(path, `${nameOf(path)} must be text of 1 to ${longest} characters`);
      return fallback;
    }
    return value;
  };
  const secret = (path: 'jwt.secret' | 'addressKeySecret', value: unknown): string | undefined => {
    if (value !== undefined && (typeof value !== 'string' || value.length < 32)) {
      refuse(path, `${nameOf(path)} must be at least 32 characters long`);
      return undefined;
    }
    return value;
  };

  let frontendUrl = '';
  if (typeof given.frontendUrl !== 'string' || !/^https?:\/\/[^/\s?#]+/i.test(given.frontendUrl)) {
    refuse(
      'frontendUrl',
      `${nameOf('frontendUrl')} is required: the absolute http(s) origin of the reset page, such as https://app.example.com`,
    );
  } else {
    frontendUrl = given.frontendUrl.replace(/\/+$/, '');
  }
  const resetPath = text('resetPath', given.resetPath);
  if (!/^\/[^#?\s]*$/.test(resetPath)) {
    refuse('resetPath', `${nameOf('resetPath')} must start with / and hold no ?, # or spaces`);
  }
  // Put in the reset page's sign-in link: a web address or a path, never a `javascript:` URL.
  const signInUrl = given.signInUrl ?? frontendUrl;
  if (
    given.signInUrl !== undefined &&
    (typeof signInUrl !== 'string' || !/^(https?:\/\/[^/\s?#]+|\/(?![/\\]))\S*$/i.test(signInUrl))
  ) {
    refuse(
      'signInUrl',
      `${nameOf('signInUrl')} must be an absolute http(s) URL or a path starting with /`,
    );
  }
  const notifyUnknownRecipients = given.notifyUnknownRecipients;
  if (notifyUnknownRecipients !== undefined && typeof notifyUnknownRecipients !== 'boolean') {
    refuse('notifyUnknownRecipients', `${nameOf('notifyUnknownRecipients')} must be true or false`);
  }
  // Put in an email: a web address or a path, never a `javascript:` URL.
  const signUpUrl = given.signUpUrl;
  if (
    signUpUrl !== undefined &&
    (typeof signUpUrl !== 'string' || !/^(https?:\/\/[^/\s?#]+|\/(?![/\\]))\S*$/i.test(signUpUrl))
  ) {
    refuse(
      'signUpUrl',
      `${nameOf('signUpUrl')} must be an absolute http(s) URL or a path starting with /`,
    );
  }
  const registration = given.registration ?? optionRow('registration').default;
  if (!(REGISTRATION_MODES as readonly unknown[]).includes(registration)) {
    refuse(
      'registration',
      `${nameOf('registration')} must be ${REGISTRATION_MODES.join(' or ')} (got ${JSON.stringify(registration)})`,
    );
  }
  let cors: PasswordResetSettings['cors'] = false;
  if (given.cors === undefined) {
    if (URL.canParse(frontendUrl)) cors = { origins: [new URL(frontendUrl).origin] };
    else if (frontendUrl !== '') {
      refuse('frontendUrl', `${nameOf('frontendUrl')} is not a URL (${frontendUrl})`);
    }
  } else if (given.cors !== false) {
    const listed: unknown = (given.cors as { origins?: unknown } | null)?.origins;
    if (!Array.isArray(listed) || listed.length === 0) {
      refuse(
        'cors',
        `${nameOf('cors')} must be false or { origins: [...] } with at least one origin`,
      );
    } else {
      const origins = listed.map((origin) => {
        const normalised = typeof origin === 'string' ? browserOrigin(origin) : undefined;
        if (normalised === undefined) {
          refuse(
            'cors',
            `cors.origins: ${JSON.stringify(origin)} is not an origin (http(s)://host[:port], no path)`,
          );
        }
        return normalised ?? '';
      });
      cors = { origins };
    }
  }
  const appName = text('appName', given.appName);
  const withAppName = (template: string) => template.replace(/\{\{\s*appName\s*\}\}/g, appName);
  const templatesDir = given.templatesDir ? resolve(given.templatesDir) : shippedTemplatesDir();
  const defaultLocaleGiven = text('defaultLocale', given.defaultLocale);
  const defaultLocale = canonicalLocale(defaultLocaleGiven) ?? defaultLocaleGiven;
  let localeFolders = new Map<string, string>();
  if (!existsSync(templatesDir)) {
    refuse('templatesDir', `${nameOf('templatesDir')} does not exist (${templatesDir})`);
  } else {
    const found = findLocaleFolders(templatesDir, defaultLocale);
    localeFolders = found.folders;
    for (const problem of found.problems) {
      refuse('templatesDir', `${nameOf('templatesDir')}: ${problem}`);
    }
    if (found.missingDefault !== undefined) {
      refuse(
        'defaultLocale',
        `${nameOf('defaultLocale')} is "${defaultLocale}", a locale with no email templates: ${found.missingDefault}`,
      );
    }
  }
  const subject = (path: 'subjects.passwordReset' | 'subjects.passwordChanged', value: unknown) => {
    if (value === undefined) return undefined;
    const longest = optionRow(path).maxLength;
    if (typeof value !== 'string' || value.length === 0 || value.length > longest) {
      refuse(path, `${nameOf(path)} must be text of 1 to ${longest} characters`);
      return undefined;
    }
    return withAppName(value);
  };
  const givenPerIp = given.limits?.perIp ?? {};
  for (const name of Object.keys(givenPerIp)) {
    if (!(PER_IP_ROUTES as readonly string[]).includes(name)) {
      refuse(`limits.perIp.${name}`, `limits.perIp.${name} is not a limit of this module`);
    }
  }
  const perIp = Object.fromEntries(
    PER_IP_ROUTES.map((route) => [
      route,
      {
        limit: whole(`limits.perIp.${route}.limit`, givenPerIp[route]?.limit),
        windowSeconds: whole(
          `limits.perIp.${route}.windowSeconds`,
          givenPerIp[route]?.windowSeconds,
        ),
      },
    ]),
  ) as unknown as PerIpLimits;
  const limits = given.limits ?? {};
  const redisUrl = limits.redisUrl;
  if (
    redisUrl !== undefined &&
    (typeof redisUrl !== 'string' || !/^rediss?:\/\/.+/.test(redisUrl))
  ) {
    refuse(
      'limits.redisUrl',
      `${nameOf('limits.redisUrl')} must be redis://[user:pass@]host:port[/db] or rediss://…`,
    );
  }
  const loginMaxFailures = whole('limits.loginMaxFailures', limits.loginMaxFailures);
  const loginMaxFailuresPerAddress = whole(
    'limits.loginMaxFailuresPerAddress',
    limits.loginMaxFailuresPerAddress,
    limits.loginMaxFailuresPerAddress === undefined
      ? Math.max(optionRow('limits.loginMaxFailuresPerAddress').default, loginMaxFailures)
      : undefined,
  );
  if (loginMaxFailuresPerAddress < loginMaxFailures) {
    refuse(
      'limits.loginMaxFailuresPerAddress',
      `${nameOf('limits.loginMaxFailuresPerAddress')} must be at least ${nameOf('limits.loginMaxFailures')}`,
    );
  }
  const resetEmailDailyLimit = whole('limits.resetEmailDailyLimit', limits.resetEmailDailyLimit);
  // Below the per-network cap, the per-address one would make that cap meaningless, and one network
  // could again use up the owner's emails.
  const resetEmailDailyLimitPerAddress = whole(
    'limits.resetEmailDailyLimitPerAddress',
    limits.resetEmailDailyLimitPerAddress,
    limits.resetEmailDailyLimitPerAddress === undefined
      ? Math.max(optionRow('limits.resetEmailDailyLimitPerAddress').default, resetEmailDailyLimit)
      : undefined,
  );
  if (
    resetEmailDailyLimitPerAddress !== 0 &&
    resetEmailDailyLimitPerAddress < resetEmailDailyLimit
  ) {
    refuse(
      'limits.resetEmailDailyLimitPerAddress',
      `${nameOf('limits.resetEmailDailyLimitPerAddress')} must be at least ${nameOf('limits.resetEmailDailyLimit')}, or 0 (off)`,
    );
  }
  const resetCodeEnabled = given.resetCode?.enabled;
  if (resetCodeEnabled !== undefined && typeof resetCodeEnabled !== 'boolean') {
    refuse('resetCode.enabled', `${nameOf('resetCode.enabled')} must be true or false`);
  }
  const pwnedPasswordsUrl = given.passwordPolicy?.pwnedPasswordsUrl;
  if (
    pwnedPasswordsUrl !== undefined &&
    (typeof pwnedPasswordsUrl !== 'string' ||
      !/^https?:\/\/[^/\s?#]+[^\s#]*$/i.test(pwnedPasswordsUrl) ||
      !URL.canParse(pwnedPasswordsUrl))
  ) {
    refuse(
      'passwordPolicy.pwnedPasswordsUrl',
      `${nameOf('passwordPolicy.pwnedPasswordsUrl')} must be an absolute http(s) URL the 5-character prefix is appended to, such as https://api.pwnedpasswords.com/range/`,
    );
  }
  const pwnedPasswordsFailClosed = given.passwordPolicy?.pwnedPasswordsFailClosed;
  if (pwnedPasswordsFailClosed !== undefined && typeof pwnedPasswordsFailClosed !== 'boolean') {
    refuse(
      'passwordPolicy.pwnedPasswordsFailClosed',
      `${nameOf('passwordPolicy.pwnedPasswordsFailClosed')} must be true or false`,
    );
  }
  const delivery = given.delivery ?? {};
  const expiresIn: unknown = given.jwt?.expiresIn ?? optionRow('jwt.expiresIn').default;
  const expiresInSeconds =
    typeof expiresIn === 'string' || typeof expiresIn === 'number'
      ? durationToSeconds(expiresIn)
      : undefined;
  if (expiresInSeconds === undefined) {
    refuse(
      'jwt.expiresIn',
      `${nameOf('jwt.expiresIn')} must be a number of seconds or a duration such as 900s, 15m, 12h or 7d`,
    );
  }
  const jwtSecret = secret('jwt.secret', given.jwt?.secret);

  const settings: PasswordResetSettings = {
    frontendUrl,
    resetPath,
    tokenTtlMinutes: whole('tokenTtlMinutes', given.tokenTtlMinutes),
    resetCode: {
      enabled:
        typeof resetCodeEnabled === 'boolean'
          ? resetCodeEnabled
          : optionRow('resetCode.enabled').default,
      ttlMinutes: whole('resetCode.ttlMinutes', given.resetCode?.ttlMinutes),
    },
    inviteTtlHours: whole('inviteTtlHours', given.inviteTtlHours),
    appName,
    subjects: {
      passwordReset: subject('subjects.passwordReset', given.subjects?.passwordReset),
      passwordChanged: subject('subjects.passwordChanged', given.subjects?.passwordChanged),
    },
    from: given.from,
    resetPage: given.resetPage ?? optionRow('resetPage').default,
    signInUrl,
    notifyUnknownRecipients:
      typeof notifyUnknownRecipients === 'boolean'
        ? notifyUnknownRecipients
        : optionRow('notifyUnknownRecipients').default,
    // An email needs the whole address: a path is on the front end.
    signUpUrl:
      typeof signUpUrl !== 'string'
        ? undefined
        : signUpUrl.startsWith('/')
          ? `${frontendUrl}${signUpUrl}`
          : signUpUrl,
    registration: (REGISTRATION_MODES as readonly unknown[]).includes(registration)
      ? registration
      : optionRow('registration').default,
    cors,
    apiTag: text('apiTag', given.apiTag),
    templatesDir,
    defaultLocale,
    localeFolders,
    argon2: {
      memoryCost: whole('argon2.memoryCost', given.argon2?.memoryCost),
      timeCost: whole('argon2.timeCost', given.argon2?.timeCost),
      parallelism: whole('argon2.parallelism', given.argon2?.parallelism),
    },
    passwordPolicy: {
      minScore: whole('passwordPolicy.minScore', given.passwordPolicy?.minScore),
      pwnedPasswordsUrl: typeof pwnedPasswordsUrl === 'string' ? pwnedPasswordsUrl : undefined,
      pwnedPasswordsMinCount: whole(
        'passwordPolicy.pwnedPasswordsMinCount',
        given.passwordPolicy?.pwnedPasswordsMinCount,
      ),
      pwnedPasswordsFailClosed:
        typeof pwnedPasswordsFailClosed === 'boolean'
          ? pwnedPasswordsFailClosed
          : optionRow('passwordPolicy.pwnedPasswordsFailClosed').default,
    },
    limits: {
      perIp,
      redisUrl,
      storage: limits.storage,
      resetEmailCooldownSeconds: whole(
        'limits.resetEmailCooldownSeconds',
        limits.resetEmailCooldownSeconds,
      ),
      resetEmailDailyLimit,
      resetEmailDailyLimitPerAddress,
      loginMaxFailures,
      loginFailureWindowSeconds: whole(
        'limits.loginFailureWindowSeconds',
        limits.loginFailureWindowSeconds,
      ),
      loginMaxFailuresPerAddress,
      loginFailureWindowPerAddressSeconds: whole(
        'limits.loginFailureWindowPerAddressSeconds',
        limits.loginFailureWindowPerAddressSeconds,
      ),
    },
    delivery: {
      retryBaseSeconds: whole('delivery.retryBaseSeconds', delivery.retryBaseSeconds),
      maxAttempts: whole('delivery.maxAttempts', delivery.maxAttempts),
      pollIntervalSeconds: whole('delivery.pollIntervalSeconds', delivery.pollIntervalSeconds),
      claimTimeoutSeconds: whole('delivery.claimTimeoutSeconds', delivery.claimTimeoutSeconds),
      purgeAfterHours: whole('delivery.purgeAfterHours', delivery.purgeAfterHours),
      concurrentSends: whole('delivery.concurrentSends', delivery.concurrentSends),
      resetJitterMs: whole('delivery.resetJitterMs', delivery.resetJitterMs),
    },
    addressKeySecret: wrap(
      secret('addressKeySecret', given.addressKeySecret) ?? (builtInUsers ? jwtSecret : undefined),
    ),
    jwt: {
      secret: wrap(jwtSecret),
      expiresIn: expiresInSeconds ?? durationToSeconds(optionRow('jwt.expiresIn').default)!,
    },
    builtInUsers,
  };
  return { settings, problems };
}
