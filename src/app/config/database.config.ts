import { getConfigToken } from '@nestjs/config';
import type { EnvironmentVariables } from './environment';

/** Where the data lives: an SQLite file (or memory) by default, PostgreSQL in production. */
export type DatabaseConfig =
  | { type: 'sqlite'; path: string; busyTimeoutMs: number }
  | {
      type: 'postgres';
      url: string;
      poolSize: number;
      connectTimeoutMs: number;
      statementTimeoutMs: number;
    };

/** The limits that apply to whichever database a URL names. */
export interface DatabaseLimits {
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  busyTimeoutMs: number;
}

export function parseDatabaseUrl(url: string, limits: DatabaseLimits): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    return {
      type: 'sqlite',
      path: url.slice('sqlite:'.length),
      busyTimeoutMs: limits.busyTimeoutMs,
    };
  }
  return {
    type: 'postgres',
    url,
    poolSize: limits.poolSize,
    connectTimeoutMs: limits.connectTimeoutMs,
    statementTimeoutMs: limits.statementTimeoutMs,
  };
}

/** The `database` namespace: `@Inject(DATABASE_CONFIG) config: DatabaseConfig`. */
export const DATABASE_CONFIG = getConfigToken('database');

export function databaseConfigFrom(env: EnvironmentVariables): DatabaseConfig {
  return parseDatabaseUrl(env.DATABASE_URL, {
    poolSize: env.DATABASE_POOL_SIZE,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    busyTimeoutMs: env.SQLITE_BUSY_TIMEOUT_MS,
  });
}
