import { ConcurrencyLimit } from './concurrency-limit';

describe(ConcurrencyLimit.name, () => {
  it('should run at most `size` tasks at once and all of them in the end, in order', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number) => async () => {
      started.push(n);
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return n;
    };

    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => limit.run(task(n))));

    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('should free the slot of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);

    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
