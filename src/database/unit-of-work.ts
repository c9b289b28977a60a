import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in one database transaction. TypeORM shares a single connection for SQLite, so two
 * transactions started at once would nest as savepoints of each other; on SQLite this queue runs
 * them one after the other. PostgreSQL uses a pooled connection per transaction and needs no queue.
 */
@Injectable()
export class UnitOfWork {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    const next = this.queue.then(() => this.dataSource.transaction(work));
    // Keep the queue alive whatever this transaction's outcome; the caller still sees the error.
    this.queue = next.catch(() => undefined);
    return next;
  }
}
