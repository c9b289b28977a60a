import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { shippedTemplatesDir } from '../../mail/mail-locales';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { get } from 'lodash';
import { parseDatabaseUrl } from './database.config';
import {
  checkServiceVariables,
  EnvironmentVariables,
  InvalidEnvironmentError,
} from './environment';
import { OPTION_VARIABLES, passwordResetOptionsFrom } from './password-reset-options';
import { loadEnvironment, parseEnvironment } from './standalone-config';
import { Secret } from '../../common/secret';
import { optionRow } from '../../password-reset.option-table';
import { PasswordResetSettings, resolvePasswordResetOptions } from '../../password-reset.options';

/** A complete production environment; tests remove or change one part of it. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'k'.repeat(32),
  FRONTEND_URL: 'https://app.example.com',
  SMTP_HOST: 'smtp.example.com',
  MAIL_FROM: '"Example" <no-reply@example.com>',
};

const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;
/** The smallest RSA key DKIM accepts, for speed. */
const DKIM_KEY = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
const DKIM = { DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'mail2030', DKIM_PRIVATE_KEY: DKIM_KEY };

function errorThrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw');
}

/** The module's settings as the standalone service builds them from `raw`. */
function settingsFrom(raw: Record<string, string | undefined>): PasswordResetSettings {
  return resolvePasswordResetOptions(parseEnvironment(raw).passwordReset, true);
}

/** The service's own variables as read from `raw`, once the whole environment was accepted. */
function variablesOf(raw: Record<string, string>): EnvironmentVariables {
  parseEnvironment(raw);
  const set = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  return checkServiceVariables(set).env;
}

function environmentErrorOf(raw: Record<string, string | undefined>): InvalidEnvironmentError {
  const error = errorThrownBy(() => parseEnvironment(raw));
  expect(error).toBeInstanceOf(InvalidEnvironmentError);
  return error as InvalidEnvironmentError;
}

describe(parseEnvironment.name, () => {
  it('should apply the documented defaults to an empty environment', () => {
    expect(variablesOf({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATABASE_URL: 'sqlite:data/app.sqlite',
      SMTP_PORT: 587,
      SMTP_SECURE: false,
      MAIL_DEV_DIR: 'data/mailbox',
    });
    expect(variablesOf({}).JWT_SECRET).toBeUndefined();
    expect(variablesOf({}).SMTP_HOST).toBeUndefined();
    // Only what the service decides itself; every other option keeps the module's default.
    expect(parseEnvironment({}).passwordReset).toEqual({
      frontendUrl: 'http://localhost:3000',
      resetPage: true,
    });
  });

  it('should convert numeric strings to numbers', () => {
    expect(variablesOf({ PORT: '8080', SMTP_PORT: '2525' })).toMatchObject({
      PORT: 8080,
      SMTP_PORT: 2525,
    });
    expect(
      parseEnvironment({
        RESET_TOKEN_TTL_MINUTES: '30',
        PASSWORD_MIN_SCORE: '4',
        ARGON2_MEMORY_KIB: '65536',
        ARGON2_TIME_COST: '3',
        ARGON2_PARALLELISM: '4',
      }).passwordReset,
    ).toMatchObject({
      tokenTtlMinutes: 30,
      passwordPolicy: { minScore: 4 },
      argon2: { memoryCost: 65536, timeCost: 3, parallelism: 4 },
    });
  });

  it('should refuse a number that is not an integer', () => {
    expect(environmentErrorOf({ PORT: 'eighty' }).message).toContain('PORT');
  });

  it("should read SMTP_SECURE 'false' as false", () => {
    expect(variablesOf({ SMTP_SECURE: 'false' }).SMTP_SECURE).toBe(false);
  });

  it("should read SMTP_SECURE 'true' as true", () => {
    expect(variablesOf({ SMTP_SECURE: 'true' }).SMTP_SECURE).toBe(true);
  });

  it("should refuse SMTP_SECURE 'maybe'", () => {
    expect(environmentErrorOf({ SMTP_SECURE: 'maybe' }).message).toContain(
      'SMTP_SECURE must be true or false',
    );
  });

  it('should ignore variables it does not know', () => {
    const raw = { HOME: '/root', PATH: '/usr/bin', SOMETHING_ELSE: 'x' };

    expect(parseEnvironment(raw)).toEqual(parseEnvironment({}));
  });

  it('should treat empty strings as unset', () => {
    const raw = { PORT: '', SMTP_HOST: '', SMTP_SECURE: '', APP_NAME: '' };
    const env = variablesOf(raw);

    expect(env.PORT).toBe(3000);
    expect(env.SMTP_HOST).toBeUndefined();
    expect(env.SMTP_SECURE).toBe(false);
    expect(settingsFrom(raw).appName).toBe('Your account');
  });

  it('should accept a complete production environment', () => {
    expect(variablesOf(PRODUCTION)).toMatchObject(PRODUCTION);
  });

  it('should name every missing production variable in one error', () => {
    const error = environmentErrorOf({ NODE_ENV: 'production' });

    for (const name of ['JWT_SECRET', 'FRONTEND_URL', 'SMTP_HOST', 'MAIL_FROM']) {
      expect(error.message).toContain(name);
      expect(error.problems.some((problem) => problem.includes(name))).toBe(true);
    }
  });

  it('should count an empty production variable as missing', () => {
    const error = environmentErrorOf({ ...PRODUCTION, SMTP_HOST: '' });

    expect(error.message).toContain('SMTP_HOST');
    expect(error.message).not.toContain('JWT_SECRET');
  });

  it('should refuse TRUST_PROXY=true in production, but take a hop count or addresses', () => {
    expect(environmentErrorOf({ ...PRODUCTION, TRUST_PROXY: ' TRUE ' }).problems).toEqual([
      expect.stringMatching(/^TRUST_PROXY=true trusts any forged X-Forwarded-For/),
    ]);
    expect(variablesOf({ ...PRODUCTION, TRUST_PROXY: '1' }).TRUST_PROXY).toBe('1');
    expect(variablesOf({ ...PRODUCTION, TRUST_PROXY: '10.0.0.0/8' }).TRUST_PROXY).toBe(
      '10.0.0.0/8',
    );
    expect(variablesOf({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe('true');
  });

  it('should refuse a TRUST_PROXY that trusts more than production can, in one message naming it', () => {
    for (const value of ['0.0.0.0/0', '8.0.0.0/7', '::/16', '6']) {
      expect(environmentErrorOf({ ...PRODUCTION, TRUST_PROXY: value }).problems).toEqual([
        expect.stringMatching(/^TRUST_PROXY[= ]/),
      ]);
    }
    for (const value of ['5', 'loopback, uniquelocal', '173.245.48.0/20', 'fc00::/7']) {
      expect(variablesOf({ ...PRODUCTION, TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    }
    expect(variablesOf({ TRUST_PROXY: '8.0.0.0/7' }).TRUST_PROXY).toBe('8.0.0.0/7');
  });

  it('should refuse a TRUST_PROXY that Express cannot read in every environment', () => {
    for (const env of [{}, PRODUCTION]) {
      expect(
        environmentErrorOf({ ...env, TRUST_PROXY: '10.0.0.0/8, proxy.internal' }).problems,
      ).toEqual([
        expect.stringMatching(/^TRUST_PROXY must be .*: "proxy.internal" is none of these$/),
      ]);
    }
  });

  it('should refuse SMTP_REQUIRE_TLS=false with SMTP_USER in production unless the server is on this machine', () => {
    const plainAuth = { ...PRODUCTION, SMTP_REQUIRE_TLS: 'false', SMTP_USER: 'mailer' };

    expect(environmentErrorOf(plainAuth).problems).toEqual([
      expect.stringMatching(/^SMTP_REQUIRE_TLS=false would send SMTP_USER's password/),
    ]);
    for (const host of ['127.0.0.1', '127.0.0.53', '::1', 'localhost']) {
      expect(variablesOf({ ...plainAuth, SMTP_HOST: host }).SMTP_REQUIRE_TLS).toBe(false);
    }
    expect(variablesOf({ ...plainAuth, SMTP_USER: '' }).SMTP_REQUIRE_TLS).toBe(false);
    expect(variablesOf({ ...plainAuth, SMTP_SECURE: 'true' }).SMTP_REQUIRE_TLS).toBe(false);
    expect(variablesOf({ ...plainAuth, NODE_ENV: 'test' }).SMTP_REQUIRE_TLS).toBe(false);
  });

  it('should take SIGN_IN_URL as an absolute URL or a path, and only https or a path in production', () => {
    expect(
      environmentErrorOf({ ...PRODUCTION, SIGN_IN_URL: 'http://app.example.com/login' }).problems,
    ).toEqual(['SIGN_IN_URL must be an https:// URL or a path starting with / in production']);
    for (const env of [{}, PRODUCTION]) {
      for (const url of ['https://app.example.com/login', '/login']) {
        expect(settingsFrom({ ...env, SIGN_IN_URL: url }).signInUrl).toBe(url);
      }
      for (const url of [
        'javascript:alert(1)',
        '//evil.example/login',
        'login',
        'ftp://x.example',
      ]) {
        expect(environmentErrorOf({ ...env, SIGN_IN_URL: url }).problems).toEqual([
          expect.stringMatching(
            /^SIGN_IN_URL must be an (absolute http\(s\)|https:\/\/) URL or a path starting with \//,
          ),
        ]);
      }
    }
    expect(settingsFrom({ SIGN_IN_URL: 'http://localhost:3000/login' }).signInUrl).toBe(
      'http://localhost:3000/login',
    );
  });

  it('should read the breached-password variables, and take only an https endpoint in production', () => {
    const PUBLIC_RANGE = 'https://api.pwnedpasswords.com/range/';
    expect(settingsFrom({}).passwordPolicy).toEqual({
      minScore: 3,
      pwnedPasswordsUrl: undefined,
      pwnedPasswordsMinCount: 1,
      pwnedPasswordsFailClosed: false,
    });
    expect(
      settingsFrom({
        PWNED_PASSWORDS_URL: 'http://127.0.0.1:8080/range/',
        PWNED_PASSWORDS_MIN_COUNT: '10',
        PWNED_PASSWORDS_FAIL_CLOSED: 'true',
      }).passwordPolicy,
    ).toMatchObject({
      pwnedPasswordsUrl: 'http://127.0.0.1:8080/range/',
      pwnedPasswordsMinCount: 10,
      pwnedPasswordsFailClosed: true,
    });
    expect(
      settingsFrom({ ...PRODUCTION, PWNED_PASSWORDS_URL: PUBLIC_RANGE }).passwordPolicy
        .pwnedPasswordsUrl,
    ).toBe(PUBLIC_RANGE);
    expect(
      environmentErrorOf({ ...PRODUCTION, PWNED_PASSWORDS_URL: 'http://api.example.com/range/' })
        .problems,
    ).toEqual([
      `PWNED_PASSWORDS_URL must be an https:// URL in production, such as ${PUBLIC_RANGE}`,
    ]);
    expect(
      environmentErrorOf({ PWNED_PASSWORDS_URL: 'ftp://example.com/range/' }).problems,
    ).toEqual([expect.stringMatching(/^PWNED_PASSWORDS_URL must be an absolute http\(s\) URL/)]);
    expect(environmentErrorOf({ PWNED_PASSWORDS_MIN_COUNT: '0' }).problems).toEqual([
      expect.stringMatching(/^PWNED_PASSWORDS_MIN_COUNT must be a whole number from 1 to/),
    ]);
    expect(environmentErrorOf({ PWNED_PASSWORDS_FAIL_CLOSED: 'maybe' }).problems).toEqual([
      'PWNED_PASSWORDS_FAIL_CLOSED must be true or false',
    ]);
  });

  it('should read NOTIFY_UNKNOWN_RECIPIENTS as true or false, and SIGN_UP_URL as an absolute URL or a path on FRONTEND_URL, https in production', () => {
    expect(settingsFrom({})).toMatchObject({
      notifyUnknownRecipients: false,
      signUpUrl: undefined,
    });
    expect(settingsFrom({ NOTIFY_UNKNOWN_RECIPIENTS: 'true' }).notifyUnknownRecipients).toBe(true);
    expect(settingsFrom({ NOTIFY_UNKNOWN_RECIPIENTS: 'FALSE' }).notifyUnknownRecipients).toBe(
      false,
    );
    expect(environmentErrorOf({ NOTIFY_UNKNOWN_RECIPIENTS: 'yes' }).problems).toEqual([
      'NOTIFY_UNKNOWN_RECIPIENTS must be true or false',
    ]);
    expect(settingsFrom({ ...PRODUCTION, SIGN_UP_URL: '/sign-up' }).signUpUrl).toBe(
      'https://app.example.com/sign-up',
    );
    expect(settingsFrom({ SIGN_UP_URL: 'http://localhost:3000/join' }).signUpUrl).toBe(
      'http://localhost:3000/join',
    );
    expect(
      environmentErrorOf({ ...PRODUCTION, SIGN_UP_URL: 'http://app.example.com/join' }).problems,
    ).toEqual(['SIGN_UP_URL must be an https:// URL or a path starting with / in production']);
    for (const url of ['javascript:alert(1)', '//evil.example/join', 'join']) {
      expect(environmentErrorOf({ SIGN_UP_URL: url }).problems).toEqual([
        'SIGN_UP_URL must be an absolute http(s) URL or a path starting with /',
      ]);
    }
  });

  it('should read RESET_CODE_ENABLED and RESET_CODE_TTL_MINUTES, and refuse a code lifetime above an hour', () => {
    expect(settingsFrom({}).resetCode).toEqual({ enabled: false, ttlMinutes: 10 });
    expect(
      settingsFrom({ RESET_CODE_ENABLED: 'true', RESET_CODE_TTL_MINUTES: '60' }).resetCode,
    ).toEqual({ enabled: true, ttlMinutes: 60 });
    expect(environmentErrorOf({ RESET_CODE_TTL_MINUTES: '61' }).problems).toEqual([
      'RESET_CODE_TTL_MINUTES must be a whole number from 1 to 60 (got 61)',
    ]);
    expect(environmentErrorOf({ RESET_CODE_ENABLED: 'on' }).problems).toEqual([
      'RESET_CODE_ENABLED must be true or false',
    ]);
  });

  it('should refuse a HEALTH_TOKEN shorter than 32 characters in production', () => {
    expect(environmentErrorOf({ ...PRODUCTION, HEALTH_TOKEN: 'h'.repeat(31) }).problems).toEqual([
      'HEALTH_TOKEN must be at least 32 characters long in production',
    ]);
    expect(environmentErrorOf({ ...PRODUCTION, HEALTH_TOKEN: 'short' }).problems).toHaveLength(1);
    expect(variablesOf({ ...PRODUCTION, HEALTH_TOKEN: 'h'.repeat(32) }).HEALTH_TOKEN).toBe(
      'h'.repeat(32),
    );
    expect(variablesOf({ HEALTH_TOKEN: 'h'.repeat(16) }).HEALTH_TOKEN).toBe('h'.repeat(16));
  });

  it('should refuse a FRONTEND_URL that is not https in production', () => {
    expect(
      environmentErrorOf({ ...PRODUCTION, FRONTEND_URL: 'http://app.example.com' }).problems,
    ).toEqual([expect.stringMatching(/^FRONTEND_URL must be an https:\/\/ URL in production/)]);
    expect(settingsFrom({ FRONTEND_URL: 'http://localhost:3000' }).frontendUrl).toBe(
      'http://localhost:3000',
    );
  });

  it("should refuse a variable outside its option's range, naming the variable and the module's range", () => {
    expect(environmentErrorOf({ FORGOT_PASSWORD_WINDOW_SECONDS: '10000001' }).problems).toEqual([
      'FORGOT_PASSWORD_WINDOW_SECONDS must be a whole number from 1 to 10000000 (got 10000001)',
    ]);
    expect(environmentErrorOf({ LOGIN_LIMIT: 'ten' }).problems).toEqual([
      'LOGIN_LIMIT must be a whole number from 1 to 1000000000 (got "ten")',
    ]);
  });

  it('should refuse LOGIN_MAX_FAILURES_PER_ADDRESS below LOGIN_MAX_FAILURES or above 100000', () => {
    expect(
      environmentErrorOf({ LOGIN_MAX_FAILURES: '20', LOGIN_MAX_FAILURES_PER_ADDRESS: '19' })
        .problems,
    ).toEqual(['LOGIN_MAX_FAILURES_PER_ADDRESS must be at least LOGIN_MAX_FAILURES']);
    expect(environmentErrorOf({ LOGIN_MAX_FAILURES_PER_ADDRESS: '100001' }).problems).toHaveLength(
      1,
    );
    expect(
      settingsFrom({ LOGIN_MAX_FAILURES: '20', LOGIN_MAX_FAILURES_PER_ADDRESS: '20' }).limits
        .loginMaxFailuresPerAddress,
    ).toBe(20);
  });

  it('should refuse RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS below RESET_EMAIL_DAILY_LIMIT, unless it is 0 (off)', () => {
    const problem =
      'RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS must be at least RESET_EMAIL_DAILY_LIMIT, or 0 (off)';
    expect(settingsFrom({}).limits.resetEmailDailyLimitPerAddress).toBe(20);
    expect(
      environmentErrorOf({
        RESET_EMAIL_DAILY_LIMIT: '10',
        RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: '9',
      }).problems,
    ).toEqual([problem]);
    // Left unset, it rises to a per-network cap above its default, as the module's option does.
    expect(
      settingsFrom({ RESET_EMAIL_DAILY_LIMIT: '30' }).limits.resetEmailDailyLimitPerAddress,
    ).toBe(30);
    expect(environmentErrorOf({ RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: '-1' }).problems).toHaveLength(
      1,
    );
    expect(
      settingsFrom({ RESET_EMAIL_DAILY_LIMIT: '10', RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: '0' })
        .limits.resetEmailDailyLimitPerAddress,
    ).toBe(0);
    expect(
      settingsFrom({ RESET_EMAIL_DAILY_LIMIT: '10', RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: '10' })
        .limits.resetEmailDailyLimitPerAddress,
    ).toBe(10);
  });

  it('should refuse a claim timeout that one SMTP send could outlast', () => {
    expect(
      environmentErrorOf({ SMTP_TIMEOUT_SECONDS: '30', MAIL_CLAIM_TIMEOUT_SECONDS: '119' })
        .problems,
    ).toEqual([expect.stringMatching(/^MAIL_CLAIM_TIMEOUT_SECONDS must be at least 4 × /)]);
    expect(
      settingsFrom({ SMTP_TIMEOUT_SECONDS: '30', MAIL_CLAIM_TIMEOUT_SECONDS: '120' }).delivery
        .claimTimeoutSeconds,
    ).toBe(120);
  });

  it('should refuse a HEALTH_TOKEN shorter than 16 characters', () => {
    expect(environmentErrorOf({ HEALTH_TOKEN: 'short' }).problems).toEqual([
      'HEALTH_TOKEN must be at least 16 characters long',
    ]);
  });

  it('should refuse a JWT_SECRET shorter than 32 characters even outside production', () => {
    const error = environmentErrorOf({ NODE_ENV: 'development', JWT_SECRET: 'k'.repeat(31) });

    expect(error.message).toContain('JWT_SECRET must be at least 32 characters long');
  });

  it('should accept a 32-character JWT_SECRET outside production', () => {
    expect(settingsFrom({ JWT_SECRET: 'k'.repeat(32) }).jwt.secret?.reveal()).toBe('k'.repeat(32));
  });

  it('should refuse a DATABASE_URL that is neither sqlite nor postgres', () => {
    const error = environmentErrorOf({ DATABASE_URL: 'mysql://user:pass@localhost/app' });

    expect(error.message).toContain('DATABASE_URL');
  });

  it('should accept sqlite and postgres DATABASE_URLs', () => {
    for (const url of ['sqlite::memory:', 'postgres://u:p@db:5432/app', 'postgresql://db/app']) {
      expect(variablesOf({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
  });

  it('should refuse part of a DKIM set-up in one problem naming what is missing', () => {
    expect(environmentErrorOf({ DKIM_DOMAIN: 'example.com' }).problems).toEqual([
      'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set DKIM_SELECTOR and DKIM_PRIVATE_KEY too, or none of them',
    ]);
    expect(environmentErrorOf({ ...DKIM, DKIM_SELECTOR: '' }).problems).toEqual([
      expect.stringContaining('set DKIM_SELECTOR too, or none of them'),
    ]);
    expect(variablesOf(DKIM).DKIM_PRIVATE_KEY).toBe(DKIM_KEY);
  });

  it('should refuse a DKIM_PRIVATE_KEY that cannot sign, without quoting it', () => {
    const refusals: [string, RegExp][] = [
      ['/nowhere/dkim.pem', /neither a PEM private key nor the path of a readable file \(ENOENT\)/],
      [DKIM_KEY.replace(/\n[A-Za-z0-9+/]{8}/, '\n'), /does not hold a private key in PEM form/],
      [pem(generateKeyPairSync('ed25519').privateKey), /must be an RSA key, not ed25519/],
      [
        pem(generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey),
        /must be at least 1024 bits long/,
      ],
    ];
    for (const [key, problem] of refusals) {
      const error = environmentErrorOf({ ...DKIM, DKIM_PRIVATE_KEY: key });

      expect(error.problems).toEqual([expect.stringMatching(problem)]);
      expect(error.message).not.toContain(key.trim().split('\n')[1] ?? key);
    }
  });
});

describe('config namespaces', () => {
  /** The environment of one test; each namespace is read from it as the service reads its own. */
  let env: Record<string, string | undefined>;
  const appConfig = () => parseEnvironment(env).app;
  const databaseConfig = () => parseEnvironment(env).database;
  const mailConfig = () => parseEnvironment(env).mail;

  beforeEach(() => {
    env = { NODE_ENV: 'test' };
  });

  describe('appConfig', () => {
    it('should read the port and say whether it runs in production', () => {
      Object.assign(env, PRODUCTION, { PORT: '8080' });

      expect(appConfig()).toMatchObject({ nodeEnv: 'production', port: 8080, isProduction: true });
    });

    it('should not call a test run production', () => {
      expect(appConfig().isProduction).toBe(false);
    });

    it('should log up to `log` in production and up to `debug` elsewhere', () => {
      expect(appConfig().logLevels).toEqual(['fatal', 'error', 'warn', 'log', 'debug']);

      Object.assign(env, PRODUCTION);

      expect(appConfig().logLevels).toEqual(['fatal', 'error', 'warn', 'log']);
    });

    it('should log up to LOG_LEVEL when it is set', () => {
      Object.assign(env, PRODUCTION, { LOG_LEVEL: 'warn' });

      expect(appConfig().logLevels).toEqual(['fatal', 'error', 'warn']);
    });

    it('should serve Swagger outside production, and in production only when SWAGGER_ENABLED=true', () => {
      expect(appConfig().swaggerEnabled).toBe(true);
      Object.assign(env, PRODUCTION);
      expect(appConfig().swaggerEnabled).toBe(false);
      env.SWAGGER_ENABLED = 'true';
      expect(appConfig().swaggerEnabled).toBe(true);
    });

    it('should hold HEALTH_TOKEN as a secret, and leave it unset by default', () => {
      expect(appConfig().healthToken).toBeUndefined();
      env.HEALTH_TOKEN = 'health-token-0123456789';
      const token = appConfig().healthToken;
      expect(token?.reveal()).toBe('health-token-0123456789');
      expect(JSON.stringify(appConfig())).not.toContain('health-token-0123456789');
    });

    it('should read TRUST_PROXY as Express takes it, trusting no proxy by default', () => {
      expect(appConfig().trustProxy).toBe(false);

      env.TRUST_PROXY = '2';
      expect(appConfig().trustProxy).toBe(2);

      env.TRUST_PROXY = '10.0.0.0/8, 192.168.1.1';
      expect(appConfig().trustProxy).toBe('10.0.0.0/8, 192.168.1.1');
    });

    it('should listen on 127.0.0.1 outside production and on every interface in production, unless HOST says', () => {
      expect(appConfig().host).toBe('127.0.0.1');
      env.NODE_ENV = 'development';
      expect(appConfig().host).toBe('127.0.0.1');
      env.HOST = '0.0.0.0';
      expect(appConfig().host).toBe('0.0.0.0');

      env = { ...PRODUCTION };
      expect(appConfig().host).toBeUndefined();
      env.HOST = '10.1.2.3';
      expect(appConfig().host).toBe('10.1.2.3');
    });

    it('should take an address or a host name for HOST, and nothing else', () => {
      for (const host of ['127.0.0.1', '::', '::1', '0.0.0.0', 'localhost', 'api.internal']) {
        expect(variablesOf({ HOST: host }).HOST).toBe(host);
      }
      for (const host of ['http://localhost', 'localhost:3000', '10.0.0.1/8', 'two words']) {
        expect(environmentErrorOf({ HOST: host }).problems).toEqual([
          'HOST must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name',
        ]);
      }
    });

    it('should refuse an unknown LOG_LEVEL', () => {
      expect(environmentErrorOf({ LOG_LEVEL: 'chatty' }).problems).toEqual([
        'LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose',
      ]);
    });
  });

  describe('databaseConfig', () => {
    it('should default to the SQLite file data/app.sqlite with a 5 s busy timeout', () => {
      expect(databaseConfig()).toEqual({
        type: 'sqlite',
        path: 'data/app.sqlite',
        busyTimeoutMs: 5000,
      });
    });

    it('should keep a postgres URL whole, with the default pool and timeouts', () => {
      env.DATABASE_URL = 'postgres://u:p@db:5432/app';

      expect(databaseConfig()).toEqual({
        type: 'postgres',
        url: 'postgres://u:p@db:5432/app',
        poolSize: 10,
        connectTimeoutMs: 5000,
        statementTimeoutMs: 10000,
      });
    });

    it('should take the pool size and timeouts from the environment', () => {
      Object.assign(env, {
        DATABASE_URL: 'postgres://u:p@db:5432/app',
        DATABASE_POOL_SIZE: '25',
        DATABASE_CONNECT_TIMEOUT_MS: '1500',
        DATABASE_STATEMENT_TIMEOUT_MS: '30000',
      });

      expect(databaseConfig()).toMatchObject({
        poolSize: 25,
        connectTimeoutMs: 1500,
        statementTimeoutMs: 30000,
      });
    });

    it('should read sqlite::memory: as an in-memory database', () => {
      const limits = { poolSize: 1, connectTimeoutMs: 1, statementTimeoutMs: 1, busyTimeoutMs: 7 };

      expect(parseDatabaseUrl('sqlite::memory:', limits)).toEqual({
        type: 'sqlite',
        path: ':memory:',
        busyTimeoutMs: 7,
      });
    });
  });

  it('should refuse to start in production without the required variables', () => {
    env.NODE_ENV = 'production';

    expect(() => appConfig()).toThrow(InvalidEnvironmentError);
  });

  describe('mailConfig', () => {
    it('should use the dev mailbox when SMTP_HOST is unset', () => {
      env.MAIL_DEV_DIR = 'tmp/outbox';

      const config = mailConfig();

      expect(config.transport).toEqual({ kind: 'dev-mailbox', dir: resolve('tmp/outbox') });
      expect(config.from).toBe('"Your account" <no-reply@localhost>');
    });

    it('should name APP_NAME in the default sender', () => {
      env.APP_NAME = 'Acme';

      expect(mailConfig().from).toBe('"Acme" <no-reply@localhost>');
    });

    it('should require TLS for SMTP in production unless SMTP_SECURE, and honour SMTP_REQUIRE_TLS', () => {
      const requireTls = (raw: Record<string, string>): unknown => {
        env = raw;
        const { transport } = mailConfig();
        return transport.kind === 'smtp' ? transport.requireTls : undefined;
      };

      expect(requireTls(PRODUCTION)).toBe(true);
      expect(requireTls({ ...PRODUCTION, SMTP_SECURE: 'true' })).toBe(false);
      expect(requireTls({ ...PRODUCTION, SMTP_REQUIRE_TLS: 'false' })).toBe(false);
      expect(requireTls({ NODE_ENV: 'test', SMTP_HOST: 'smtp.example.com' })).toBe(false);
      expect(
        requireTls({ NODE_ENV: 'test', SMTP_HOST: 'smtp.example.com', SMTP_REQUIRE_TLS: 'true' }),
      ).toBe(true);
    });

    it('should use the dev mailbox when SMTP_HOST is empty', () => {
      env.SMTP_HOST = '';

      expect(mailConfig().transport.kind).toBe('dev-mailbox');
    });

    it('should use SMTP with the password held in a Secret when SMTP_HOST is set', () => {
      Object.assign(env, {
        SMTP_HOST: 'smtp.example.com',
        SMTP_PORT: '465',
        SMTP_SECURE: 'true',
        SMTP_USER: 'mailer',
        SMTP_PASSWORD: 'hunter2-smtp-password',
        MAIL_FROM: 'Example <no-reply@example.com>',
      });

      const config = mailConfig();

      expect(config.from).toBe('Example <no-reply@example.com>');
      expect(config.transport).toMatchObject({
        kind: 'smtp',
        host: 'smtp.example.com',
        port: 465,
        secure: true,
        poolSize: 5,
        user: 'mailer',
      });
      const password = config.transport.kind === 'smtp' ? config.transport.password : undefined;
      expect(password).toBeInstanceOf(Secret);
      expect(password?.reveal()).toBe('hunter2-smtp-password');
      expect(JSON.stringify(config)).not.toContain('hunter2-smtp-password');
    });

    it('should read DKIM_PRIVATE_KEY as the PEM itself or as a file holding it, into a Secret', () => {
      expect(mailConfig().dkim).toBeUndefined();
      const dir = mkdtempSync(join(tmpdir(), 'dkim-'));
      try {
        writeFileSync(join(dir, 'dkim.pem'), DKIM_KEY);
        const oneLine = DKIM_KEY.trim().replace(/\n/g, '\\n');
        for (const given of [DKIM_KEY, join(dir, 'dkim.pem'), oneLine]) {
          Object.assign(env, { ...DKIM, DKIM_PRIVATE_KEY: given });

          const { dkim } = mailConfig();

          expect(dkim).toEqual({
            domainName: 'example.com',
            keySelector: 'mail2030',
            privateKey: expect.any(Secret),
          });
          expect(dkim?.privateKey.reveal().trim()).toBe(DKIM_KEY.trim());
          expect(JSON.stringify(dkim)).not.toContain('PRIVATE KEY');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('should leave the SMTP password undefined when none is set', () => {
      env.SMTP_HOST = 'smtp.example.com';

      const { transport } = mailConfig();

      expect(transport.kind).toBe('smtp');
      expect(transport.kind === 'smtp' && transport.password).toBeUndefined();
    });
  });
});

describe(passwordResetOptionsFrom.name, () => {
  const wholeNumberVariables = Object.entries(OPTION_VARIABLES).filter(
    ([, path]) => 'min' in optionRow(path),
  );

  it.each(wholeNumberVariables)(
    "should leave %s to the default of %s, and refuse a value outside that option's range by the variable's name",
    (variable, path) => {
      const {
        min,
        max,
        default: byDefault,
      } = optionRow(path) as {
        min: number;
        max: number;
        default: number;
      };
      expect(get(settingsFrom({}), path)).toBe(byDefault);
      expect(get(settingsFrom({ [variable]: String(max) }), path)).toBe(max);
      for (const outside of [min - 1, max + 1]) {
        expect(environmentErrorOf({ [variable]: String(outside) }).problems).toEqual([
          `${variable} must be a whole number from ${min} to ${max} (got ${outside})`,
        ]);
      }
    },
  );

  it("should refuse text longer than its option takes, by the variable's name", () => {
    const longest = optionRow('appName').maxLength;
    expect(environmentErrorOf({ APP_NAME: 'a'.repeat(longest + 1) }).problems).toEqual([
      `APP_NAME must be text of 1 to ${longest} characters`,
    ]);
    expect(settingsFrom({ APP_NAME: 'a'.repeat(longest) }).appName).toHaveLength(longest);
  });

  it('should give options the module accepts, equal to its own defaults, for an empty environment', () => {
    // The reference page is the one default the service sets differently: on outside production.
    expect(settingsFrom({})).toEqual(
      resolvePasswordResetOptions({ frontendUrl: 'http://localhost:3000', resetPage: true }, true),
    );
  });

  it('should serve the reset page outside production, and in production only when asked', () => {
    expect(settingsFrom({ NODE_ENV: 'test' }).resetPage).toBe(true);
    expect(settingsFrom(PRODUCTION).resetPage).toBe(false);
    expect(settingsFrom({ ...PRODUCTION, RESET_PAGE_ENABLED: 'true' }).resetPage).toBe(true);
    expect(settingsFrom({ SIGN_IN_URL: 'https://app.example.com/login' }).signInUrl).toBe(
      'https://app.example.com/login',
    );
  });

  it('should default the frontend URL to localhost on the service port', () => {
    expect(parseEnvironment({ PORT: '4321' }).passwordReset.frontendUrl).toBe(
      'http://localhost:4321',
    );
  });

  it('should take the reset page and link lifetime from the environment', () => {
    expect(
      parseEnvironment({
        FRONTEND_URL: 'https://app.example.com',
        RESET_PASSWORD_PATH: '/account/new-password',
        RESET_TOKEN_TTL_MINUTES: '30',
      }).passwordReset,
    ).toMatchObject({
      frontendUrl: 'https://app.example.com',
      resetPath: '/account/new-password',
      tokenTtlMinutes: 30,
    });
  });

  it('should strip trailing slashes from FRONTEND_URL', () => {
    expect(settingsFrom({ FRONTEND_URL: 'https://app.example.com/' }).frontendUrl).toBe(
      'https://app.example.com',
    );
    expect(settingsFrom({ FRONTEND_URL: 'https://app.example.com/account//' }).frontendUrl).toBe(
      'https://app.example.com/account',
    );
  });

  it('should put APP_NAME into the configured subject lines, and leave unset ones to the locales', () => {
    expect(settingsFrom({ APP_NAME: 'Acme' })).toMatchObject({
      appName: 'Acme',
      subjects: { passwordReset: undefined, passwordChanged: undefined },
    });

    expect(
      settingsFrom({
        APP_NAME: 'Acme',
        MAIL_RESET_SUBJECT: 'Your {{ appName }} reset link ({{appName}})',
        MAIL_CHANGED_SUBJECT: 'Password changed',
      }).subjects,
    ).toEqual({
      passwordReset: 'Your Acme reset link (Acme)',
      passwordChanged: 'Password changed',
    });
  });

  it("should leave the sender to the mailer's defaults, which carry MAIL_FROM", () => {
    const config = parseEnvironment({ MAIL_FROM: 'Example <no-reply@example.com>' });

    expect(config.passwordReset.from).toBeUndefined();
    expect(config.mail.from).toBe('Example <no-reply@example.com>');
  });

  it("should leave CORS to the module's default, the origin of FRONTEND_URL, unless CORS_ORIGINS is set", () => {
    const origins = (raw: Record<string, string>) => settingsFrom(raw).cors;

    expect(parseEnvironment({}).passwordReset.cors).toBeUndefined();
    expect(origins({ FRONTEND_URL: 'https://app.example.com/account' })).toEqual({
      origins: ['https://app.example.com'],
    });
    expect(origins({ CORS_ORIGINS: 'none' })).toBe(false);
    expect(origins({ CORS_ORIGINS: ' NONE ' })).toBe(false);
    expect(origins({ CORS_ORIGINS: 'https://a.example, http://localhost:5173 ' })).toEqual({
      origins: ['https://a.example', 'http://localhost:5173'],
    });
  });

  it('should refuse CORS_ORIGINS that are not origins, naming them', () => {
    expect(
      environmentErrorOf({ CORS_ORIGINS: 'https://a.example, https://b.example/login' }).problems,
    ).toEqual([
      'CORS_ORIGINS must be none or comma-separated origins (http(s)://host[:port], no path): "https://b.example/login" is not one',
    ]);
    expect(environmentErrorOf({ CORS_ORIGINS: '*' }).problems).toHaveLength(1);
    expect(environmentErrorOf({ CORS_ORIGINS: 'https://a.example,' }).problems).toHaveLength(1);
  });

  it('should use the shipped templates unless MAIL_TEMPLATES_DIR is set', () => {
    expect(settingsFrom({}).templatesDir).toBe(shippedTemplatesDir());
    expect(settingsFrom({ MAIL_TEMPLATES_DIR: shippedTemplatesDir() }).templatesDir).toBe(
      shippedTemplatesDir(),
    );
  });

  it('should refuse a default locale that neither MAIL_TEMPLATES_DIR nor the shipped templates have, naming MAIL_DEFAULT_LOCALE', () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'mail-templates-'));
    try {
      // Its locales would be added to the shipped ones, but it must hold the default locale's.
      expect(
        environmentErrorOf({ MAIL_TEMPLATES_DIR: emptyDir, MAIL_DEFAULT_LOCALE: 'it' }).problems,
      ).toEqual([
        `MAIL_DEFAULT_LOCALE is "it", a locale with no email templates: there is no it/ folder in ${emptyDir} nor among the shipped locales (locales found: de, en, es, fr)`,
      ]);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('should pass JWT_SECRET on, and key per-address state with it', () => {
    const settings = settingsFrom({ JWT_SECRET: 's'.repeat(40) });

    expect(settings.jwt.secret?.reveal()).toBe('s'.repeat(40));
    expect(settings.addressKeySecret?.reveal()).toBe('s'.repeat(40));
  });

  it('should leave the JWT secret unset without JWT_SECRET, for the module to make one per process', () => {
    const settings = settingsFrom({});

    expect(settings.jwt.secret).toBeUndefined();
    expect(settings.addressKeySecret).toBeUndefined();
  });

  it('should read the token lifetime, password score and argon2 cost', () => {
    const settings = settingsFrom({
      JWT_EXPIRES_IN: '2h',
      PASSWORD_MIN_SCORE: '2',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '3',
      ARGON2_PARALLELISM: '2',
    });

    expect(settings).toMatchObject({
      jwt: { expiresIn: 7200 },
      passwordPolicy: { minScore: 2 },
      argon2: { memoryCost: 1024, timeCost: 3, parallelism: 2 },
    });
  });

  it('should map every limit and delivery variable to its option', () => {
    const options = parseEnvironment({
      FORGOT_PASSWORD_LIMIT: '11',
      FORGOT_PASSWORD_WINDOW_SECONDS: '111',
      RESET_PASSWORD_LIMIT: '12',
      RESET_PASSWORD_WINDOW_SECONDS: '112',
      LOGIN_LIMIT: '13',
      LOGIN_WINDOW_SECONDS: '113',
      REGISTER_LIMIT: '14',
      REGISTER_WINDOW_SECONDS: '114',
      CHANGE_PASSWORD_LIMIT: '15',
      CHANGE_PASSWORD_WINDOW_SECONDS: '115',
      REDIS_URL: 'redis://cache:6379/2',
      RESET_EMAIL_COOLDOWN_SECONDS: '16',
      RESET_EMAIL_DAILY_LIMIT: '17',
      RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: '27',
      LOGIN_MAX_FAILURES: '18',
      LOGIN_FAILURE_WINDOW_SECONDS: '118',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '19',
      LOGIN_FAILURE_WINDOW_PER_ADDRESS_SECONDS: '119',
      MAIL_RETRY_BASE_SECONDS: '21',
      MAIL_MAX_ATTEMPTS: '22',
      MAIL_POLL_INTERVAL_SECONDS: '23',
      MAIL_CLAIM_TIMEOUT_SECONDS: '240',
      PURGE_AFTER_HOURS: '25',
      SMTP_POOL_SIZE: '26',
      MAIL_RESET_JITTER_MS: '2700',
    }).passwordReset;

    expect(options.limits).toEqual({
      perIp: {
        forgotPassword: { limit: 11, windowSeconds: 111 },
        resetPassword: { limit: 12, windowSeconds: 112 },
        login: { limit: 13, windowSeconds: 113 },
        register: { limit: 14, windowSeconds: 114 },
        changePassword: { limit: 15, windowSeconds: 115 },
      },
      redisUrl: 'redis://cache:6379/2',
      resetEmailCooldownSeconds: 16,
      resetEmailDailyLimit: 17,
      resetEmailDailyLimitPerAddress: 27,
      loginMaxFailures: 18,
      loginFailureWindowSeconds: 118,
      loginMaxFailuresPerAddress: 19,
      loginFailureWindowPerAddressSeconds: 119,
    });
    // One send per pooled SMTP connection.
    expect(options.delivery).toEqual({
      retryBaseSeconds: 21,
      maxAttempts: 22,
      pollIntervalSeconds: 23,
      claimTimeoutSeconds: 240,
      purgeAfterHours: 25,
      concurrentSends: 26,
      resetJitterMs: 2700,
    });
    expect(() => resolvePasswordResetOptions(options, true)).not.toThrow();
  });
});

describe(loadEnvironment.name, () => {
  it('should read .env in the working directory, under the variables the process already has', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
    const savedCwd = process.cwd();
    const savedEnv = process.env;
    try {
      writeFileSync(join(dir, '.env'), 'PORT=4000\nAPP_NAME="From the file"\nLOGIN_LIMIT=3\n');
      process.chdir(dir);
      process.env = { PATH: savedEnv.PATH, LOGIN_LIMIT: '4' };

      const config = loadEnvironment({ envFile: true });

      expect(config.app.port).toBe(4000);
      expect(config.passwordReset.appName).toBe('From the file');
      expect(config.passwordReset.limits?.perIp?.login?.limit).toBe(4);
      expect(loadEnvironment({ envFile: false }).app.port).toBe(3000);
    } finally {
      process.chdir(savedCwd);
      process.env = savedEnv;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
