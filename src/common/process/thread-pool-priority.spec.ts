import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs the function first thing in a fresh Node process (as main.ts does) and reports the nice value
 * of every thread of that process: Jest's own process has long started its thread pool.
 */
function threadNicesAfterLowering(): { lowered: number; main: number; others: number[] } {
  const script = `
    const { readdirSync, readFileSync } = require('node:fs');
    const { lowerThreadPoolPriority } = require(${JSON.stringify(join(__dirname, 'thread-pool-priority.ts'))});
    const nice = (t) => { const s = readFileSync('/proc/self/task/' + t + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]); };
    lowerThreadPoolPriority().then((lowered) => {
      const threads = readdirSync('/proc/self/task');
      console.log(JSON.stringify({ lowered, main: nice(String(process.pid)), others: threads.filter((t) => t !== String(process.pid)).map(nice) }));
    });`;
  const output = execFileSync(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
    { env: { ...process.env, UV_THREADPOOL_SIZE: '3' }, encoding: 'utf8' },
  );
  return JSON.parse(output) as { lowered: number; main: number; others: number[] };
}

describe('lowerThreadPoolPriority', () => {
  if (process.platform !== 'linux') {
    it('is a no-op off Linux', () => {
      console.log('Skipped: threads have their own nice value only on Linux');
    });
    return;
  }

  it("should lower exactly libuv's pool threads to nice 10 and leave the event loop at 0", () => {
    const { lowered, main, others } = threadNicesAfterLowering();

    expect(lowered).toBe(3);
    expect(main).toBe(0);
    expect(others.filter((nice) => nice === 10)).toHaveLength(3);
    // V8's own helper threads keep their priority.
    expect(others.filter((nice) => nice === 0).length).toBeGreaterThan(0);
  });
});
