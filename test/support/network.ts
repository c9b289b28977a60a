import { get } from 'node:http';
import { networkInterfaces } from 'node:os';

/**
 * An IPv4 address of this machine that is not loopback, if it has one. A connection to it from
 * this machine comes from it too: the server sees a client that is not on 127.0.0.0/8.
 */
export function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && !entry.internal && entry.family === 'IPv4')?.address;
}

/** Why a test that needs {@link nonLoopbackAddress} cannot run here; CI must have one. */
export function withoutNonLoopbackAddress(): string | undefined {
  if (nonLoopbackAddress() !== undefined) return undefined;
  if (process.env.CI === 'true') throw new Error('CI needs a network interface besides loopback');
  return 'this machine has no address besides loopback';
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET to `host:port` exactly as given: no proxy, no client-side rewriting of the path. */
export function rawGet(
  host: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    get({ host, port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    }).on('error', reject);
  });
}
