import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
  isURL,
} from 'class-validator';
import { isIP } from 'node:net';
import { isLoopbackHost } from '../../common/loopback-address';
import { browserOrigin } from '../../http/cors.middleware';
import { dkimPrivateKeyProblem } from './dkim-private-key';
import { CORS_NONE, OPTION_VARIABLES } from './password-reset-options';
import { trustProxyProblem } from './trust-proxy';

export const NODE_ENVIRONMENTS = ['development', 'production', 'test'] as const;
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

/** From quietest to noisiest; a level includes every level before it. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const isProduction = (env: EnvironmentVariables): boolean => env.NODE_ENV === 'production';
/** Required in production; validated whenever it is set. */
const requiredInProduction = (env: EnvironmentVariables, value: unknown): boolean =>
  isProduction(env) || value !== undefined;

/**
 * A rule that needs the other variables: `check(value, env)` says whether `value` is acceptable;
 * `message` may depend on them too.
 */
function crossCheck(
  name: string,
  check: (value: unknown, env: EnvironmentVariables) => boolean,
  message: string | ((value: unknown, env: EnvironmentVariables) => string),
): new () => ValidatorConstraintInterface {
  @ValidatorConstraint({ name })
  class CrossCheck implements ValidatorConstraintInterface {
    validate(value: unknown, args: ValidationArguments): boolean {
      return check(value, args.object as EnvironmentVariables);
    }
    defaultMessage(args: ValidationArguments): string {
      return typeof message === 'string'
        ? message
        : message(args.value, args.object as EnvironmentVariables);
    }
  }
  return CrossCheck;
}

const HttpsInProduction = crossCheck(
  'httpsInProduction',
  (value, env) => !isProduction(env) || typeof value !== 'string' || /^https:\/\//i.test(value),
  'FRONTEND_URL must be an https:// URL in production: reset links carry a secret',
);

/** Labels of letters, digits and inner hyphens, separated by dots. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

const ListenHost = crossCheck(
  'listenHost',
  (value) => typeof value === 'string' && (isIP(value) !== 0 || HOST_NAME.test(value)),
  'HOST must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name',
);

/** The first entry of CORS_ORIGINS that is not an origin, if any. */
const notAnOrigin = (value: string): string | undefined =>
  value.trim().toLowerCase() === CORS_NONE
    ? undefined
    : value
        .split(',')
        .map((origin) => origin.trim())
        .find((origin) => browserOrigin(origin) === undefined);

const CorsOrigins = crossCheck(
  'corsOrigins',
  (value) => typeof value === 'string' && notAnOrigin(value) === undefined,
  (value) =>
    `CORS_ORIGINS must be ${CORS_NONE} or comma-separated origins (http(s)://host[:port], no path): "${typeof value === 'string' ? notAnOrigin(value) : ''}" is not one`,
);

const TrustProxyUsable = crossCheck(
  'trustProxyUsable',
  (value, env) =>
    typeof value !== 'string' || trustProxyProblem(value, isProduction(env)) === undefined,
  (value, env) =>
    trustProxyProblem(value as string, isProduction(env)) ?? 'TRUST_PROXY is unusable',
);

// Without TLS, SMTP AUTH sends the password as readable as the mail: only over this machine's loopback.
const TlsForSmtpAuthInProduction = crossCheck(
  'tlsForSmtpAuthInProduction',
  (value, env) =>
    !isProduction(env) ||
    value !== false ||
    env.SMTP_SECURE ||
    env.SMTP_USER === undefined ||
    env.SMTP_HOST === undefined ||
    isLoopbackHost(env.SMTP_HOST),
  "SMTP_REQUIRE_TLS=false would send SMTP_USER's password in clear text: in production keep TLS (or SMTP_SECURE=true), or relay through a server on this machine (SMTP_HOST=127.0.0.1)",
);

/** A path on this site: one leading slash (`//host` would leave it), no whitespace. */
const SITE_PATH = /^\/(?![/\\])\S*$/;

// The reset page links here after a reset; production keeps people on https. (Outside production
// the module's own check of signInUrl applies.)
const HttpsSignInUrlInProduction = crossCheck(
  'httpsSignInUrlInProduction',
  (value, env) =>
    !isProduction(env) ||
    (typeof value === 'string' &&
      (SITE_PATH.test(value) ||
        isURL(value, { require_tld: false, require_protocol: true, protocols: ['https'] }))),
  'SIGN_IN_URL must be an https:// URL or a path starting with / in production',
);

// The unknown-recipient email links here: production keeps people on https.
const HttpsSignUpUrlInProduction = crossCheck(
  'httpsSignUpUrlInProduction',
  (value, env) =>
    !isProduction(env) ||
    (typeof value === 'string' &&
      (SITE_PATH.test(value) ||
        isURL(value, { require_tld: false, require_protocol: true, protocols: ['https'] }))),
  'SIGN_UP_URL must be an https:// URL or a path starting with / in production',
);

// Each new password's hash prefix goes there: production keeps it off plain HTTP.
const HttpsPwnedPasswordsUrlInProduction = crossCheck(
  'httpsPwnedPasswordsUrlInProduction',
  (value, env) => !isProduction(env) || (typeof value === 'string' && /^https:\/\//i.test(value)),
  'PWNED_PASSWORDS_URL must be an https:// URL in production, such as https://api.pwnedpasswords.com/range/',
);

const healthTokenMinLength = (env: EnvironmentVariables): number => (isProduction(env) ? 32 : 16);

const HealthTokenLength = crossCheck(
  'healthTokenLength',
  (value, env) => typeof value === 'string' && value.length >= healthTokenMinLength(env),
  (_value, env) =>
    `HEALTH_TOKEN must be at least ${healthTokenMinLength(env)} characters long${isProduction(env) ? ' in production' : ''}`,
);

/** Phases of one SMTP send that can each wait up to SMTP_TIMEOUT_SECONDS: connect, greet, log in, data. */
export const SMTP_SEND_PHASES = 4;

const DKIM_VARIABLES = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY'] as const;
const missingDkimVariables = (env: EnvironmentVariables): string[] =>
  DKIM_VARIABLES.filter((name) => env[name] === undefined);
const anyDkimVariable = (env: EnvironmentVariables): boolean =>
  missingDkimVariables(env).length < DKIM_VARIABLES.length;

// Half a DKIM set-up would send unsigned mail while the operator believes it is signed.
const DkimAllOrNone = crossCheck(
  'dkimAllOrNone',
  (_value, env) => missingDkimVariables(env).length === 0,
  (_value, env) =>
    `DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set ${missingDkimVariables(env).join(' and ')} too, or none of them`,
);

const DkimKeyUsable = crossCheck(
  'dkimKeyUsable',
  (value) => typeof value !== 'string' || dkimPrivateKeyProblem(value) === undefined,
  (value) => dkimPrivateKeyProblem(value as string) ?? 'DKIM_PRIVATE_KEY cannot sign',
);

// Reads the raw value: implicit conversion would already have turned "false" into true.
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown => {
  const value = obj[key];
  if (typeof value !== 'string') return value;
  const lowered = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(lowered)) return true;
  if (['false', '0', 'no'].includes(lowered)) return false;
  return value;
};

/**
 * The service's own variables, with their defaults: where it listens, its database and mailer, and
 * production's rules. The variables that set the module's options are `OPTION_VARIABLES`
 * (`password-reset-options.ts`): their defaults and ranges are the options' own. The explicit
 * property types are needed: they feed emitDecoratorMetadata, which implicit conversion uses to turn
 * "3000" into 3000.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVIRONMENTS)
  NODE_ENV: NodeEnvironment = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** The interface to listen on: 127.0.0.1 outside production, every interface in production. */
  @IsOptional()
  @Validate(ListenHost)
  HOST?: string;

  /** The noisiest level logged: `log` in production, `debug` elsewhere. */
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: LogLevelName;

  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message:
      'DATABASE_URL must be sqlite:<path>, sqlite::memory: or postgres://user:pass@host:port/db',
  })
  DATABASE_URL: string = 'sqlite:data/app.sqlite';

  /** PostgreSQL: connections per instance. */
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE: number = 10;

  /** PostgreSQL: how long a query waits for a free connection (or a new one to open) before failing. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_CONNECT_TIMEOUT_MS: number = 5_000;

  /** PostgreSQL: the server cancels a statement, or ends a transaction left idle, after this long. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 10_000;

  /** SQLite: how long a write waits for another connection's lock before failing. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  SQLITE_BUSY_TIMEOUT_MS: number = 5_000;

  /** Required in production; its length is the module's rule for jwt.secret. */
  @ValidateIf(isProduction)
  @IsString({ message: 'JWT_SECRET is required in production' })
  JWT_SECRET?: string;

  @ValidateIf(requiredInProduction)
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'FRONTEND_URL must be an absolute http(s) URL (and is required in production)' },
  )
  @Validate(HttpsInProduction)
  FRONTEND_URL?: string;

  @ValidateIf(requiredInProduction)
  @IsString({ message: 'SMTP_HOST is required in production' })
  @IsNotEmpty()
  SMTP_HOST?: string;

  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT: number = 587;

  @Transform(toBoolean)
  @IsBoolean({ message: 'SMTP_SECURE must be true or false' })
  SMTP_SECURE: boolean = false;

  /**
   * Refuse to send (or log in) without STARTTLS. Default: true in production unless SMTP_SECURE is
   * (implicit TLS from the first byte), false elsewhere.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'SMTP_REQUIRE_TLS must be true or false' })
  @Validate(TlsForSmtpAuthInProduction)
  SMTP_REQUIRE_TLS?: boolean;

  /** How long the SMTP server may take to accept a connection, greet, or answer a command. */
  @IsInt()
  @Min(1)
  @Max(600)
  SMTP_TIMEOUT_SECONDS: number = 10;

  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @IsOptional()
  @IsString()
  SMTP_PASSWORD?: string;

  @ValidateIf(requiredInProduction)
  @IsString({ message: 'MAIL_FROM is required in production' })
  @IsNotEmpty()
  MAIL_FROM?: string;

  @IsString()
  @IsNotEmpty()
  MAIL_DEV_DIR: string = 'data/mailbox';

  /** Express `trust proxy`: a hop count, or addresses/subnets (comma-separated); `true` outside production. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Validate(TrustProxyUsable)
  TRUST_PROXY?: string;

  /** Bearer token for `GET /health/details` (32 characters in production, 16 elsewhere); without it that route does not exist. */
  @IsOptional()
  @IsString()
  @Validate(HealthTokenLength)
  HEALTH_TOKEN?: string;

  /** Swagger UI and /docs-json: on outside production, off in production unless set to true. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'SWAGGER_ENABLED must be true or false' })
  SWAGGER_ENABLED?: boolean;

  /** Where clients reach the API, the OpenAPI document's server (default: http://localhost:PORT outside production). */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'PUBLIC_API_URL must be an absolute http(s) URL' },
  )
  PUBLIC_API_URL?: string;

  /** The reference reset page at RESET_PASSWORD_PATH: on outside production, off in it unless true. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'RESET_PAGE_ENABLED must be true or false' })
  RESET_PAGE_ENABLED?: boolean;

  /** In production only https (the module checks the rest, as for signInUrl). */
  @ValidateIf((env: EnvironmentVariables, value) => isProduction(env) && value !== undefined)
  @Validate(HttpsSignInUrlInProduction)
  SIGN_IN_URL?: string;

  /** In production only https (the module checks the rest, as for signUpUrl). */
  @ValidateIf((env: EnvironmentVariables, value) => isProduction(env) && value !== undefined)
  @Validate(HttpsSignUpUrlInProduction)
  SIGN_UP_URL?: string;

  /** In production only https (the module checks the rest). */
  @ValidateIf((env: EnvironmentVariables, value) => isProduction(env) && value !== undefined)
  @Validate(HttpsPwnedPasswordsUrlInProduction)
  PWNED_PASSWORDS_URL?: string;

  /** Origins whose pages may call the API from a browser, or `none` (default: the origin of FRONTEND_URL). */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Validate(CorsOrigins)
  CORS_ORIGINS?: string;

  /** DKIM signing of outgoing mail: all three, or none. */
  @IsOptional()
  @Matches(/^[a-z0-9.-]+$/i, { message: 'DKIM_DOMAIN must be a domain name' })
  DKIM_DOMAIN?: string;

  @IsOptional()
  @Matches(/^[a-z0-9._-]+$/i, { message: 'DKIM_SELECTOR must be a DNS label' })
  DKIM_SELECTOR?: string;

  /** The PEM private key (RSA) itself, or the path of a file holding it. Never logged. */
  @ValidateIf(anyDkimVariable)
  @Validate(DkimAllOrNone)
  @Validate(DkimKeyUsable)
  DKIM_PRIVATE_KEY?: string;
}

/** Thrown at start-up when the environment is not usable; the message names every problem. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** The service's own variables: the decorated properties above, optional ones included. */
export const SERVICE_VARIABLES: readonly string[] = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
      .map((metadata) => metadata.propertyName),
  ),
];

/** Every variable the service reads: its own, and those of the module's options. */
export const ENVIRONMENT_KEYS: readonly string[] = [
  ...new Set([...SERVICE_VARIABLES, ...Object.keys(OPTION_VARIABLES)]),
];

/** A variable refused, and why. */
export interface VariableProblem {
  variable: string;
  message: string;
}

/**
 * The service's own variables, converted and validated, from `variables` (those set, as strings),
 * with every problem found.
 */
export function checkServiceVariables(variables: Record<string, string>): {
  env: EnvironmentVariables;
  problems: VariableProblem[];
} {
  const own = Object.fromEntries(
    SERVICE_VARIABLES.filter((name) => variables[name] !== undefined).map((name) => [
      name,
      variables[name],
    ]),
  );
  const env = plainToInstance(EnvironmentVariables, own, { enableImplicitConversion: true });
  const problems = validateSync(env, { skipMissingProperties: false }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => ({
      variable: error.property,
      message,
    })),
  );
  return { env, problems };
}
