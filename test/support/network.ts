import { get } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Where {@link rawGet} connects: a TCP host and port, or a Unix domain socket. */
export type RawTarget = { host: string; port: number } | { socketPath: string };

/**
 * A GET exactly as given: no proxy, no client-side rewriting of the path. Tests connect to
 * loopback addresses or to Unix sockets only, never to this machine's other interfaces.
 */
export function rawGet(
  target: RawTarget,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    get({ ...target, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    }).on('error', reject);
  });
}
