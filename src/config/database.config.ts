import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './environment';

/** Where the data lives: an SQLite file (or memory) by default, PostgreSQL in production. */
export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };

export function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) return { type: 'sqlite', path: url.slice('sqlite:'.length) };
  return { type: 'postgres', url };
}

export const databaseConfig = registerAs('database', (): DatabaseConfig => {
  return parseDatabaseUrl(loadEnvironment().DATABASE_URL);
});
