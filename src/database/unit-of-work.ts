import type { DataSource, EntityManager } from 'typeorm';

/**
 * The module's way to the host's database: every statement of the module goes through {@link run}
 * or {@link transaction}, and nothing here touches the host's `DataSource` or query runners.
 *
 * PostgreSQL gives each transaction its own pooled connection, so both simply pass through. TypeORM's
 * SQLite driver shares one connection for everything: two transactions started at once would nest as
 * savepoints of each other, and a statement issued while a transaction is open joins it (and vanishes
 * if it rolls back). On SQLite, therefore, the module's transactions and its other statements take
 * turns. Code inside a transaction passes on the `manager` it was given and never calls these again.
 * Statements the host sends on the same SQLite connection are not ordered with the module's (see the
 * README: SQLite is for the standalone service and small hosts).
 */
export class UnitOfWork {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /**
   * How many of one kind of transaction (see `GroupCommit`) are worth running at once: on SQLite they
   * take turns anyway; on PostgreSQL each holds a pooled connection, so up to half the pool (node-postgres
   * defaults to 10), which leaves the rest to everything else.
   */
  get parallelTransactions(): number {
    if (!this.isPostgres) return 1;
    const { poolSize } = this.dataSource.options as { poolSize?: number };
    return Math.max(1, Math.floor((poolSize ?? 10) / 2));
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    return this.inTurn(() => this.dataSource.transaction(work));
  }

  /** Runs statements outside a transaction (on SQLite, never inside someone else's). */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return work(this.dataSource.manager);
    return this.inTurn(() => work(this.dataSource.manager));
  }

  /** Uses `manager` when the caller is inside a transaction, else runs on its own. */
  with<T>(
    manager: EntityManager | undefined,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return manager ? work(manager) : this.run(work);
  }

  /** Runs `task` when everything queued before it has finished, whatever their outcome. */
  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
