import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/database.config';
import {
  accountEntities,
  accountMigrations,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../schema';

/**
 * Connection options for the standalone service, which uses the built-in accounts: the module's
 * entities and migrations plus theirs. Migrations run at start, never `synchronize`.
 */
export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: [...passwordResetEntities, ...accountEntities],
    migrations: [...passwordResetMigrations, ...accountMigrations],
    migrationsRun: true,
    synchronize: false,
    logging: false,
  };
  if (config.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.url,
      poolSize: config.poolSize,
      // How long a query waits for a pooled connection (or a new one) before it fails.
      connectTimeoutMS: config.connectTimeoutMs,
      extra: {
        // A stuck statement or a transaction left open must not hold locks and connections forever.
        statement_timeout: config.statementTimeoutMs,
        idle_in_transaction_session_timeout: config.statementTimeoutMs,
      },
    };
  }
  const database = config.path === ':memory:' ? ':memory:' : resolve(config.path);
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
  // TypeORM's better-sqlite3 driver turns on foreign keys for every connection it opens.
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    timeout: config.busyTimeoutMs,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      // A write-ahead log: a commit appends to the log instead of rewriting pages through a journal.
      // With synchronous=NORMAL a commit does not wait for the disk; a crash of the process loses
      // nothing (the log is in the operating system's hands), only a power cut can lose the last
      // commits. That is what took forgot-password from waiting on fsync to running at CPU speed.
      if (database !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    },
  };
}
