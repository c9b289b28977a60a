/**
 * A fresh, empty database for each start of the service: an SQLite file in the run's temp folder, or
 * (with BENCH_DATABASE_URL) a new PostgreSQL database on that server, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

export interface DatabaseProvider {
  /** For the report header, e.g. "PostgreSQL 15.4 at 127.0.0.1:5432 (a new database per start)". */
  description: string;
  kind: 'sqlite' | 'postgres';
  /** A new empty database; its DATABASE_URL. */
  fresh(): Promise<string>;
  /** Drops / deletes every database this provider made. */
  cleanup(): Promise<void>;
}

export function sqliteProvider(dir: string): DatabaseProvider {
  const files: string[] = [];
  return {
    kind: 'sqlite',
    description: 'SQLite (better-sqlite3), a new file in a temp folder per start',
    fresh: () => {
      const file = join(dir, `bench-${files.length + 1}.sqlite`);
      files.push(file);
      return Promise.resolve(`sqlite:${file}`);
    },
    cleanup: () => {
      for (const file of files) {
        for (const suffix of ['', '-wal', '-shm', '-journal'])
          rmSync(`${file}${suffix}`, { force: true });
      }
      return Promise.resolve();
    },
  };
}

/** Host and port of a postgres:// URL, without credentials. */
export function describeServer(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}

/** `url` with any password replaced by `***`, for printing. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function postgresProvider(adminUrl: string): Promise<DatabaseProvider> {
  const version = await withClient(adminUrl, async (client) => {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? 'unknown version';
  });
  const created: string[] = [];
  return {
    kind: 'postgres',
    description: `PostgreSQL ${version.split(' ')[0]} at ${describeServer(adminUrl)}, a new database per start (npr_bench_*)`,
    fresh: async () => {
      const name = `npr_bench_${randomBytes(6).toString('hex')}`;
      await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    cleanup: async () => {
      const errors: string[] = [];
      await withClient(adminUrl, async (client) => {
        for (const name of created.splice(0)) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          } catch (error) {
            errors.push(`${name}: ${(error as Error).message}`);
          }
        }
      });
      if (errors.length > 0) throw new Error(`Could not drop ${errors.join('; ')}`);
    },
  };
}
