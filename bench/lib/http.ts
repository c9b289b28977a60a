/** Plain HTTP helpers for set-up work and sequential timing (not for load: see load.ts). */
import { request as httpRequest } from 'node:http';
import { sleep } from './stats';

export interface JsonResponse {
  status: number;
  body: unknown;
  ms: number;
}

/** One JSON request with `fetch` (undici, keep-alive), timed from send to the end of the body. */
export async function requestJson(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<JsonResponse> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed, ms };
}

/** Runs `fn` over the items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Polls `check` every `intervalMs` until it returns true. Throws after `timeoutMs`, or as soon as
 * `failure()` names a reason to stop (say, the process being waited for has exited).
 */
export async function waitUntil(
  label: string,
  check: () => Promise<boolean> | boolean,
  intervalMs: number,
  timeoutMs: number,
  failure: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const reason = failure();
    if (reason) throw new Error(`${label}: ${reason}`);
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`${label}: not done within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/**
 * The status of one request on a new connection (no keep-alive), or 0 when it could not be made
 * (connection refused while a server boots). For boot polling, where each attempt must be cheap.
 */
export function probeStatus(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
  timeoutMs = 1000,
): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        timeout: timeoutMs,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
