import type { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/** Stand-ins: the unit under test only hands managers on and orders the work. */
const plainManager = { name: 'plain' } as unknown as EntityManager;
const transactionManager = { name: 'transaction' } as unknown as EntityManager;

function dataSourceOf(type: 'sqlite' | 'better-sqlite3' | 'postgres') {
  const dataSource = {
    options: { type },
    manager: plainManager,
    transaction: jest.fn(<T>(work: (manager: EntityManager) => Promise<T>) =>
      work(transactionManager),
    ),
  };
  return { dataSource, unitOfWork: new UnitOfWork(dataSource as unknown as DataSource) };
}

/** A promise and the function that settles it, to hold work open while something else is tried. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(UnitOfWork.name, () => {
  it('should run a transaction through the DataSource and hand its manager to the work', async () => {
    const { dataSource, unitOfWork } = dataSourceOf('postgres');

    const used = await unitOfWork.transaction((manager) => Promise.resolve(manager));

    expect(used).toBe(transactionManager);
    expect(dataSource.transaction).toHaveBeenCalledTimes(1);
  });

  it('should run one kind of transaction at a time on SQLite, and up to half the pool on PostgreSQL', () => {
    expect(dataSourceOf('better-sqlite3').unitOfWork.parallelTransactions).toBe(1);
    // node-postgres's default pool holds 10 connections.
    expect(dataSourceOf('postgres').unitOfWork.parallelTransactions).toBe(5);
    const { dataSource, unitOfWork } = dataSourceOf('postgres');
    Object.assign(dataSource.options, { poolSize: 25 });
    expect(unitOfWork.parallelTransactions).toBe(12);
    Object.assign(dataSource.options, { poolSize: 1 });
    expect(unitOfWork.parallelTransactions).toBe(1);
  });

  it('should run other statements on the plain manager, outside any transaction', async () => {
    const { dataSource, unitOfWork } = dataSourceOf('postgres');

    const used = await unitOfWork.run((manager) => Promise.resolve(manager));

    expect(used).toBe(plainManager);
    expect(dataSource.transaction).not.toHaveBeenCalled();
  });

  describe('with', () => {
    it("should use the caller's manager when it is inside a transaction", async () => {
      const { dataSource, unitOfWork } = dataSourceOf('sqlite');
      const callers = { name: "caller's" } as unknown as EntityManager;

      const used = await unitOfWork.with(callers, (manager) => Promise.resolve(manager));

      expect(used).toBe(callers);
      expect(dataSource.transaction).not.toHaveBeenCalled();
    });

    it('should run on its own without a manager', async () => {
      const { unitOfWork } = dataSourceOf('sqlite');

      const used = await unitOfWork.with(undefined, (manager) => Promise.resolve(manager));

      expect(used).toBe(plainManager);
    });
  });

  describe.each(['sqlite', 'better-sqlite3'] as const)('on SQLite (%s)', (type) => {
    it('should hold a statement back until the open transaction has ended', async () => {
      const { unitOfWork } = dataSourceOf(type);
      const order: string[] = [];
      const { opened, open } = gate();

      const transaction = unitOfWork.transaction(async () => {
        order.push('transaction starts');
        await opened;
        order.push('transaction ends');
      });
      const statement = unitOfWork.run(() => {
        order.push('statement');
        return Promise.resolve();
      });
      await settle();
      expect(order).toEqual(['transaction starts']);

      open();
      await Promise.all([transaction, statement]);
      expect(order).toEqual(['transaction starts', 'transaction ends', 'statement']);
    });

    it('should run transactions one after another, not nested', async () => {
      const { unitOfWork } = dataSourceOf(type);
      let open = 0;
      let mostOpen = 0;
      const work = async () => {
        open += 1;
        mostOpen = Math.max(mostOpen, open);
        await settle();
        open -= 1;
      };

      await Promise.all([unitOfWork.transaction(work), unitOfWork.transaction(work)]);

      expect(mostOpen).toBe(1);
    });

    it('should go on with the next work after one fails', async () => {
      const { unitOfWork } = dataSourceOf(type);

      const failing = unitOfWork.transaction(() => Promise.reject(new Error('roll back')));
      const next = unitOfWork.run(() => Promise.resolve('ran'));

      await expect(failing).rejects.toThrow('roll back');
      await expect(next).resolves.toBe('ran');
    });
  });

  describe('on PostgreSQL', () => {
    it('should not hold a statement back while a transaction is open', async () => {
      const { unitOfWork } = dataSourceOf('postgres');
      const { opened, open } = gate();
      let statementRan = false;

      const transaction = unitOfWork.transaction(() => opened);
      await unitOfWork.run(() => {
        statementRan = true;
        return Promise.resolve();
      });

      expect(statementRan).toBe(true);
      open();
      await transaction;
    });
  });
});
