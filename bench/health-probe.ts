/**
 * Helper process: `GET /health` in a loop, one request at a time, started every `intervalMs` (the next
 * one right away when a request took longer). Over one keep-alive connection, so the figure is the
 * service's time to answer, not TCP set-up (an unmeasured first request opens it). Runs apart from
 * the orchestrator so that the load generator's own work cannot delay this clock.
 */
import { Agent, request } from 'node:http';
import { serveCommands } from './lib/ipc';
import { sleep } from './lib/stats';

export interface ProbeResult {
  latencies: number[];
  failures: number;
  statuses: Record<string, number>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let running = false;
let loop: Promise<void> | undefined;
let result: ProbeResult = { latencies: [], failures: 0, statuses: {} };

function once(port: number, timeoutMs: number): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      { host: '127.0.0.1', port, path: '/health', method: 'GET', agent, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
        );
        res.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

async function probe(port: number, intervalMs: number): Promise<void> {
  let next = performance.now();
  while (running) {
    const { status, ms } = await once(port, 5000);
    result.statuses[String(status)] = (result.statuses[String(status)] ?? 0) + 1;
    if (status === 200) result.latencies.push(ms);
    else result.failures++;
    next += intervalMs;
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    else next = performance.now();
  }
}

serveCommands({
  start: (payload) => {
    const { port, intervalMs } = payload as { port: number; intervalMs: number };
    if (running) throw new Error('The probe is already running');
    result = { latencies: [], failures: 0, statuses: {} };
    running = true;
    // One unmeasured request first: it opens the connection and wakes the route's code path.
    loop = once(port, 5000).then(() => probe(port, intervalMs));
    return true;
  },
  stop: async (): Promise<ProbeResult> => {
    running = false;
    await loop;
    loop = undefined;
    return result;
  },
});
