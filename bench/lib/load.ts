/**
 * Closed-loop load with autocannon: `connections` clients, each sending its next request as soon as
 * the previous answer has arrived. Every request is built by the scenario (distinct bodies, tokens
 * from a pool), and every answer is handed back with the item it was built from.
 */
import autocannon from 'autocannon';
import { inspect } from 'node:util';
import { epochNow } from './stats';

export interface PreparedRequest<T> {
  item: T;
  body: string;
  headers?: Record<string, string>;
}

export interface LoadSpec<T> {
  base: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  /** Run for this long... */
  seconds?: number;
  /** ...or until this many answers have arrived. */
  amount?: number;
  next: () => PreparedRequest<T>;
  onAnswer?: (item: T, status: number) => void;
  /** Seconds before a request counts as timed out (autocannon's default is 10). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  /**
   * The measured window, ms: the run's length for a timed run (autocannon stops counting then, as
   * the argon2 floor does), or up to the last answer for a run of `amount` requests.
   */
  durationMs: number;
  /** Epoch ms (sub-ms precision) when the run started. */
  startedAt: number;
  /** Epoch ms of the last answer. */
  lastAnswerAt: number;
  /** Answers received, by status. */
  statuses: Map<number, number>;
  ok: number;
  /** Latency (ms) of each 2xx answer. */
  latencies: number[];
  /** Connection errors and timeouts, as autocannon counts them. */
  errors: number;
  timeouts: number;
}

interface ClientContext<T> {
  item?: T;
}

export function runLoad<T>(spec: LoadSpec<T>): Promise<LoadResult> {
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let ok = 0;
  let lastAnswerAt = NaN;
  const startedAt = epochNow();
  const request: autocannon.Request = {
    method: spec.method,
    path: spec.path,
    setupRequest: (base, context) => {
      const prepared = spec.next();
      (context as ClientContext<T>).item = prepared.item;
      return {
        ...base,
        body: prepared.body,
        headers: { ...base.headers, 'content-type': 'application/json', ...prepared.headers },
      };
    },
    onResponse: (status, _body, context) => {
      const item = (context as ClientContext<T>).item;
      if (item !== undefined) spec.onAnswer?.(item, status);
    },
  };
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.base,
        connections: spec.connections,
        duration: spec.seconds ?? 3600,
        amount: spec.amount,
        timeout: spec.timeoutSeconds ?? 30,
        requests: [request],
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(`autocannon: ${inspect(error)}`));
          return;
        }
        const timed = spec.amount === undefined;
        resolve({
          durationMs: timed ? (spec.seconds ?? 3600) * 1000 : lastAnswerAt - startedAt,
          startedAt,
          lastAnswerAt,
          statuses,
          ok,
          latencies,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastAnswerAt = epochNow();
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        latencies.push(responseTime);
      }
    });
  });
}

/** Merges the results of several slices of the same load. */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const statuses = new Map<number, number>();
  for (const result of results) {
    for (const [status, count] of result.statuses) {
      statuses.set(status, (statuses.get(status) ?? 0) + count);
    }
  }
  return {
    durationMs: results.reduce((total, result) => total + result.durationMs, 0),
    startedAt: results[0]?.startedAt ?? NaN,
    lastAnswerAt: results[results.length - 1]?.lastAnswerAt ?? NaN,
    statuses,
    ok: results.reduce((total, result) => total + result.ok, 0),
    latencies: results.flatMap((result) => result.latencies),
    errors: results.reduce((total, result) => total + result.errors, 0),
    timeouts: results.reduce((total, result) => total + result.timeouts, 0),
  };
}

/** Successful answers per second. */
export function okRate(result: LoadResult): number {
  return result.durationMs > 0 ? result.ok / (result.durationMs / 1000) : NaN;
}

/** "202×1234, 400×2, errors 0, timeouts 0". */
export function describeStatuses(result: LoadResult): string {
  const parts = [...result.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`);
  if (result.errors > 0) parts.push(`errors ${result.errors}`);
  if (result.timeouts > 0) parts.push(`timeouts ${result.timeouts}`);
  return parts.length > 0 ? parts.join(', ') : 'no answers';
}

/** Answers that were not 2xx, plus connection errors. */
export function failures(result: LoadResult): number {
  let count = result.errors;
  for (const [status, n] of result.statuses) if (status < 200 || status >= 300) count += n;
  return count;
}
