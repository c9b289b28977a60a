import type { LogLevel } from '@nestjs/common';
import { getConfigToken } from '@nestjs/config';
import { type EnvironmentVariables, LOG_LEVELS, NodeEnvironment } from './environment';
import { Secret } from '../../common/secret';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

/** HTTP-level settings of the service. */
export interface AppConfig {
  nodeEnv: NodeEnvironment;
  port: number;
  /**
   * The interface to listen on (`HOST`); unset: every interface, production's default. Outside
   * production it is 127.0.0.1, so a development machine does not serve its dev pages to its network.
   */
  host?: string;
  isProduction: boolean;
  /** The levels the logger prints. */
  logLevels: LogLevel[];
  /** Serve Swagger UI at /docs and the document at /docs-json. */
  swaggerEnabled: boolean;
  /** Where clients reach the API (`PUBLIC_API_URL`), the document's server; unset: see `apiServer`. */
  publicApiUrl?: string;
  /** Bearer token of `GET /health/details`; unset: the route answers 404. */
  healthToken?: Secret;
  /** Express `trust proxy`; `false` means the socket address is the client. */
  trustProxy: TrustProxy;
}

/** The `app` namespace: `@Inject(APP_CONFIG) config: AppConfig`, or `ConfigService.get('app')`. */
export const APP_CONFIG = getConfigToken('app');

export function appConfigFrom(env: EnvironmentVariables): AppConfig {
  const isProduction = env.NODE_ENV === 'production';
  // Per-request detail (debug) is for development; production logs what an operator acts on.
  const noisiest = env.LOG_LEVEL ?? (isProduction ? 'log' : 'debug');
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (isProduction ? undefined : '127.0.0.1'),
    isProduction,
    logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(noisiest) + 1),
    swaggerEnabled: env.SWAGGER_ENABLED ?? !isProduction,
    publicApiUrl: env.PUBLIC_API_URL,
    healthToken: env.HEALTH_TOKEN === undefined ? undefined : new Secret(env.HEALTH_TOKEN),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}
