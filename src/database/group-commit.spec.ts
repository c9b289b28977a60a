import type { EntityManager } from 'typeorm';
import { GroupCommit } from './group-commit';
import type { UnitOfWork } from './unit-of-work';

/** A stand-in for the database: records what each transaction was given; the unit only batches. */
function fakeUnitOfWork() {
  const manager = { name: 'transaction' } as unknown as EntityManager;
  const transactions: string[][] = [];
  const unitOfWork = {
    parallelTransactions: 1,
    transaction: jest.fn(<T>(work: (manager: EntityManager) => Promise<T>) => work(manager)),
    run: jest.fn(<T>(work: (manager: EntityManager) => Promise<T>) => work(manager)),
  };
  return { unitOfWork: unitOfWork as unknown as UnitOfWork, transactions, fake: unitOfWork };
}

/** Lets every callback queued so far run, up to and including the next turn's `setImmediate`s. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(GroupCommit.name, () => {
  it('should write the items submitted in one turn in one transaction, answering each with its own result', async () => {
    const { unitOfWork, transactions } = fakeUnitOfWork();
    const group = new GroupCommit<string, string>(unitOfWork, (_manager, items) => {
      transactions.push(items);
      return Promise.resolve(items.map((item) => `id-of-${item}`));
    });

    const results = await Promise.all(['a', 'b', 'c'].map((item) => group.submit(item)));

    expect(results).toEqual(['id-of-a', 'id-of-b', 'id-of-c']);
    expect(transactions).toEqual([['a', 'b', 'c']]);
  });

  it('should gather the items that arrive while a transaction runs into the next one', async () => {
    const { unitOfWork, transactions } = fakeUnitOfWork();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupCommit<string, string>(unitOfWork, async (_manager, items) => {
      transactions.push(items);
      if (transactions.length === 1) await held;
      return items;
    });

    const first = group.submit('a');
    await settle();
    expect(transactions).toEqual([['a']]);
    const later = [group.submit('b'), group.submit('c')];
    await settle();
    // Still one transaction: b and c wait for a's to finish.
    expect(transactions).toEqual([['a']]);
    release();

    expect(await Promise.all([first, ...later])).toEqual(['a', 'b', 'c']);
    expect(transactions).toEqual([['a'], ['b', 'c']]);
  });

  it('should answer a caller only after the transaction holding its item has committed', async () => {
    const { unitOfWork } = fakeUnitOfWork();
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    (unitOfWork.transaction as jest.Mock).mockImplementation(
      async <T>(work: (manager: EntityManager) => Promise<T>) => {
        const result = await work({} as EntityManager);
        await committed;
        return result;
      },
    );
    const group = new GroupCommit<string, string>(unitOfWork, (_manager, items) =>
      Promise.resolve(items),
    );
    let answered = false;
    const pending = group.submit('a').then(() => (answered = true));

    await settle();
    await settle();
    expect(answered).toBe(false);
    commit();
    await pending;
    expect(answered).toBe(true);
  });

  it('should retry each item of a failed transaction alone, so only the bad one fails', async () => {
    const { unitOfWork, transactions } = fakeUnitOfWork();
    const group = new GroupCommit<string, string>(unitOfWork, (_manager, items) => {
      transactions.push(items);
      if (items.includes('bad')) return Promise.reject(new Error('constraint failed'));
      return Promise.resolve(items.map((item) => item.toUpperCase()));
    });

    const results = await Promise.allSettled(['a', 'bad', 'c'].map((item) => group.submit(item)));

    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('constraint failed') },
      { status: 'fulfilled', value: 'C' },
    ]);
    expect(transactions).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('should retry the items of a failed transaction side by side, not one after another', async () => {
    const { unitOfWork, transactions } = fakeUnitOfWork();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupCommit<string, string>(unitOfWork, async (_manager, items) => {
      transactions.push(items);
      if (items.length > 1) throw new Error('database gone');
      await held;
      return items;
    });

    const answers = Promise.all(['a', 'b', 'c'].map((item) => group.submit(item)));
    await settle();
    // All three retries started while none has finished.
    expect(transactions).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
    release();

    expect(await answers).toEqual(['a', 'b', 'c']);
  });

  it('should put at most maxItems in one transaction', async () => {
    const { unitOfWork, transactions } = fakeUnitOfWork();
    const group = new GroupCommit<number, number>(
      unitOfWork,
      (_manager, items) => {
        transactions.push(items.map(String));
        return Promise.resolve(items);
      },
      { maxItems: 2 },
    );

    await Promise.all([1, 2, 3, 4, 5].map((item) => group.submit(item)));

    expect(transactions).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('should fail every caller when work answers with the wrong number of results', async () => {
    const { unitOfWork } = fakeUnitOfWork();
    const group = new GroupCommit<string, string>(unitOfWork, () => Promise.resolve([]));

    const results = await Promise.allSettled([group.submit('a'), group.submit('b')]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain(
      'Group commit: 0 results for 1 items',
    );
  });

  it('should run up to `concurrency` transactions at once, each with the items waiting when it starts', async () => {
    const { unitOfWork, transactions } = fakeUnitOfWork();
    const releases: (() => void)[] = [];
    const group = new GroupCommit<string, string>(
      unitOfWork,
      async (_manager, items) => {
        transactions.push(items);
        await new Promise<void>((resolve) => releases.push(resolve));
        return items;
      },
      { concurrency: 2 },
    );

    const answers = [group.submit('a')];
    await settle();
    answers.push(group.submit('b'), group.submit('c'));
    await settle();
    answers.push(group.submit('d'));
    await settle();
    // Two under way (a, then b and c); d waits for one of them to end.
    expect(transactions).toEqual([['a'], ['b', 'c']]);
    releases[0]();
    await settle();
    await settle();
    expect(transactions).toEqual([['a'], ['b', 'c'], ['d']]);
    releases[1]();
    releases[2]();

    expect(await Promise.all(answers)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('should leave out the transaction when the work says it sends one statement', async () => {
    const { unitOfWork, fake } = fakeUnitOfWork();
    let single = true;
    const group = new GroupCommit<string, string>(
      unitOfWork,
      (_manager, items) => Promise.resolve(items),
      { inTransaction: () => !single },
    );

    await Promise.all([group.submit('a'), group.submit('b')]);
    expect([fake.run.mock.calls.length, fake.transaction.mock.calls.length]).toEqual([1, 0]);

    single = false;
    await group.submit('c');
    expect([fake.run.mock.calls.length, fake.transaction.mock.calls.length]).toEqual([1, 1]);
  });

  it('should start again after a quiet spell', async () => {
    const { unitOfWork, transactions } = fakeUnitOfWork();
    const group = new GroupCommit<string, string>(unitOfWork, (_manager, items) => {
      transactions.push(items);
      return Promise.resolve(items);
    });

    expect(await group.submit('a')).toBe('a');
    await settle();
    expect(await group.submit('b')).toBe('b');

    expect(transactions).toEqual([['a'], ['b']]);
  });
});
