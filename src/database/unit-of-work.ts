import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * Runs work in one database transaction.
 *
 * PostgreSQL gives each transaction its own pooled connection. TypeORM's SQLite driver shares one
 * connection for everything, so without care two transactions started at once would nest as
 * savepoints of each other, and a statement from an unrelated request issued while a transaction is
 * open would join it and vanish if it rolled back. On SQLite, therefore, transactions run one after
 * another, and statements from outside a transaction wait until no transaction is open.
 */
@Injectable()
export class UnitOfWork {
  private queue: Promise<unknown> = Promise.resolve();
  /** Marks the async context of the transaction being run, whose own statements must not wait. */
  private readonly insideTransaction = new AsyncLocalStorage<true>();

  constructor(private readonly dataSource: DataSource) {
    if (!this.isPostgres) this.serializeSqliteStatements(dataSource.createQueryRunner());
  }

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    // Called from inside a transaction: nest (as a savepoint) instead of waiting for ourselves.
    if (this.insideTransaction.getStore()) return this.dataSource.transaction(work);
    return this.exclusive(() =>
      this.insideTransaction.run(true, () => this.dataSource.transaction(work)),
    );
  }

  /** Runs `task` when everything queued before it has finished, whatever their outcome. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The SQLite driver hands out one shared query runner; every statement goes through its `query`. */
  private serializeSqliteStatements(runner: QueryRunner): void {
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    const serialized = (...args: unknown[]): Promise<unknown> =>
      this.insideTransaction.getStore() ? query(...args) : this.exclusive(() => query(...args));
    runner.query = serialized as QueryRunner['query'];
  }
}
