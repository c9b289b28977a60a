import type { EntityManager } from 'typeorm';
import type { UnitOfWork } from './unit-of-work';

interface Waiting<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes of one kind go to the database together: those that arrive in the same turn of the event
 * loop, or while every transaction allowed at once is under way, wait and then share the next one.
 * Under load one BEGIN and one COMMIT (and, for SQLite, one append to the WAL) serve many requests,
 * where each used to pay its own. A lone call after a quiet spell starts its transaction in the same
 * turn, so nothing waits on a timer. Every caller learns of its result only after the transaction
 * holding its item has committed.
 *
 * `work` gets the items in the order they were submitted and returns one result per item, in the
 * same order. If a transaction of several fails, each of its items is tried again on its own, all at
 * once (one after another, a database that does not answer would hold the last caller for every
 * item's timeout), so one bad item fails only its own caller.
 */
export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly db: UnitOfWork,
    private readonly work: (manager: EntityManager, items: I[]) => Promise<O[]>,
    private readonly options: {
      /** Most items in one transaction; the rest wait for the next. */
      maxItems?: number;
      /** Transactions under way at once; by default `UnitOfWork.parallelTransactions`. */
      concurrency?: number;
      /**
       * Whether `work` needs a transaction around it (the default). When it will send a single
       * statement, that statement is atomic on its own, and BEGIN and COMMIT would only add two
       * round trips (PostgreSQL) or two more statements (SQLite).
       */
      inTransaction?: () => boolean;
    } = {},
  ) {}

  private get concurrency(): number {
    return this.options.concurrency ?? this.db.parallelTransactions;
  }

  /** Resolves with the item's result once its transaction has committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts transactions after the rest of this turn of the event loop: requests whose bodies
   * arrived in the same turn reach `submit` one after another, and each would otherwise have
   * committed alone (on SQLite a transaction completes before the next request is even read).
   */
  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    if (this.inFlight >= this.concurrency) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length > 0 && this.inFlight < this.concurrency) {
      this.inFlight++;
      void this.commit(this.waiting.splice(0, this.options.maxItems ?? 100)).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** Never rejects: every outcome goes to the callers. */
  private async commit(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, index) => waiting.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      await Promise.all(
        batch.map(async (waiting) => {
          try {
            const [result] = await this.run([waiting.item]);
            waiting.resolve(result);
          } catch (own) {
            waiting.reject(own);
          }
        }),
      );
    }
  }

  private async run(items: I[]): Promise<O[]> {
    const work = (manager: EntityManager) => this.work(manager, items);
    const inTransaction = this.options.inTransaction?.() ?? true;
    const results = await (inTransaction ? this.db.transaction(work) : this.db.run(work));
    if (results.length !== items.length) {
      throw new Error(`Group commit: ${results.length} results for ${items.length} items`);
    }
    return results;
  }
}
