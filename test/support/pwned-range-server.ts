import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the range server received: its path and headers, as they arrived. */
export interface RangeRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

/** SHA-1 of a password in upper-case hex, as the Pwned Passwords range API lists them. */
export function sha1Hex(password: string): string {
  return createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
}

/**
 * A real HTTP server on 127.0.0.1 that answers like the Pwned Passwords range API
 * (`GET <base>/<5 hex>` → `SUFFIX:COUNT` lines, CRLF), with padding entries (count 0) when asked
 * with `Add-Padding: true`. Tests say which passwords are "breached", and can make it slow or fail.
 */
export class PwnedRangeServer {
  readonly requests: RangeRequest[] = [];
  /** How long each answer waits before it is sent (a slow endpoint). */
  delayMs = 0;
  /** The status of every answer (a failing endpoint answers 500 or 503). */
  status = 200;
  /** When set, every answer is a 200 with this body instead of a range (a captive portal, say). */
  body?: string;
  private readonly ranges = new Map<string, string[]>();
  private server?: Server;

  /** The base URL the service appends a prefix to. */
  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/range/`;
  }

  /** Lists `password` as seen `count` times in breaches (0: a padding entry, as the API sends). */
  breach(password: string, count: number): this {
    const hash = sha1Hex(password);
    const prefix = hash.slice(0, 5);
    const lines = this.ranges.get(prefix) ?? [];
    lines.push(`${hash.slice(5)}:${count}`);
    this.ranges.set(prefix, lines);
    return this;
  }

  /** The 5-character prefixes the server was asked for, in order. */
  prefixes(): string[] {
    return this.requests.map((request) => request.path.replace(/^\/range\//, ''));
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.requests.push({ path: request.url ?? '', headers: request.headers });
      const prefix = /^\/range\/([0-9A-F]{5})$/i.exec(request.url ?? '')?.[1]?.toUpperCase();
      const send = () => {
        if (this.status !== 200 || prefix === undefined) {
          response.writeHead(prefix === undefined ? 400 : this.status).end('error');
          return;
        }
        if (this.body !== undefined) {
          response.writeHead(200, { 'Content-Type': 'text/html' }).end(this.body);
          return;
        }
        const lines = [...(this.ranges.get(prefix) ?? [])];
        if (request.headers['add-padding'] === 'true') {
          // Random suffixes the real API would add, each with count 0.
          for (let i = 0; i < 20; i++) {
            lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
          }
        }
        response.writeHead(200, { 'Content-Type': 'text/plain' }).end(lines.join('\r\n'));
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
