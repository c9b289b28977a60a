import addFormats from 'ajv-formats';
import type { NextFunction, Request, Response } from 'express';
import OpenAPIBackend, { type Document, type Operation } from 'openapi-backend';
import supertest from 'supertest';

/**
 * Every answer an e2e test receives, held to the service's own OpenAPI document (issue 14 item 10).
 * `createTestApp` mounts a {@link ResponseRecorder} in front of every route; after each test (see
 * `response-contract.setup.ts`) and when an app closes, the answers recorded since are checked with
 * openapi-backend, and any that the document does not describe fails the test. Checked: every
 * answer to an operation of the document (its method and path), whatever its status. Left alone:
 * what is not an API operation, that is pages (the reset page, the dev mailbox, Swagger UI and
 * /docs-json), CORS preflights (OPTIONS), HEAD, and methods or paths that no operation has.
 */

/** An answer as it left the server. */
export interface RecordedResponse {
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  status: number;
  headers: Record<string, number | string | string[] | undefined>;
  body: Buffer;
}

interface ResponseObject {
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, unknown>;
}

/** The answers the document allows, with a validator built from it by openapi-backend. */
export class ApiContract {
  private static readonly built = new Map<string, Promise<ApiContract>>();

  private constructor(private readonly api: OpenAPIBackend) {}

  /**
   * The contract of `document`, whose paths start at `apiRoot` on the server (one per document and
   * root: building compiles a validator for every answer).
   */
  static of(document: object, apiRoot = '/'): Promise<ApiContract> {
    // As /docs-json serves it: plain JSON, with nothing shared with the objects it was built from.
    const json = JSON.stringify(document);
    const key = `${apiRoot} ${json}`;
    let contract = ApiContract.built.get(key);
    if (!contract) {
      contract = ApiContract.build(JSON.parse(json) as object, apiRoot);
      ApiContract.built.set(key, contract);
    }
    return contract;
  }

  private static async build(document: object, apiRoot: string): Promise<ApiContract> {
    const api = new OpenAPIBackend({
      definition: document as Document,
      apiRoot,
      // An invalid document is an error here, not a validator that silently checks less.
      strict: true,
      // Every problem of a body, not only the first.
      ajvOpts: { allErrors: true },
      // date-time, uuid and the other formats the document uses are checked, not ignored.
      customizeAjv: (ajv) => {
        addFormats(ajv);
        return ajv;
      },
    });
    await api.init();
    return new ApiContract(api);
  }

  /** The operation `method` and `path` reach, if the document has one. */
  operation(method: string, path: string): Operation | undefined {
    return this.api.matchOperation({ method, path, headers: {} });
  }

  /** Whatever `response` does that the document does not allow; none when it is as documented. */
  problems(response: RecordedResponse): string[] {
    const operation = this.operation(response.method, response.path);
    if (!operation) return [];
    const where = `${operation.operationId} (${response.method} ${response.path}) answered ${response.status}`;
    const documented = (operation.responses as Record<string, ResponseObject>)[
      String(response.status)
    ];
    if (!documented) return [`${where}, a status it does not document`];
    return [
      ...this.headerProblems(operation, response, documented),
      ...this.bodyProblems(operation, response, documented),
    ].map((problem) => `${where}: ${problem}`);
  }

  private headerProblems(
    operation: Operation,
    response: RecordedResponse,
    documented: ResponseObject,
  ): string[] {
    const headers = Object.fromEntries(
      Object.entries(response.headers)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    const missing = Object.entries(documented.headers ?? {})
      .filter(([name, header]) => header.required && headers[name.toLowerCase()] === undefined)
      .map(([name]) => `no ${name} header`);
    const result = this.api.validateResponseHeaders(headers, operation, {
      statusCode: response.status,
      setMatchType: 'superset' as never,
    });
    return [...missing, ...(result.errors ?? []).map((error) => `header ${describe(error)}`)];
  }

  private bodyProblems(
    operation: Operation,
    response: RecordedResponse,
    documented: ResponseObject,
  ): string[] {
    const mediaTypes = Object.keys(documented.content ?? {});
    if (mediaTypes.length === 0) {
      return response.body.length === 0 ? [] : ['a body where it documents none'];
    }
    const contentType = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (!mediaTypes.includes(contentType)) {
      return [`Content-Type "${contentType}", not ${mediaTypes.join(' or ')}`];
    }
    if (contentType !== 'application/json') return [];
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      return ['a body that is not JSON'];
    }
    const result = this.api.validateResponse(body, operation, response.status);
    return (result.errors ?? []).map(
      (error) => `body ${describe(error)} in ${JSON.stringify(body)}`,
    );
  }
}

function describe(error: { instancePath?: string; message?: string; params?: unknown }): string {
  return `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`;
}

/** Every live recorder, for the check after each test. */
const live = new Set<ResponseRecorder>();

/**
 * Express middleware that keeps a copy of each answer as it goes out, and the check of what it kept
 * against an {@link ApiContract}. It answers nothing and changes nothing.
 */
export class ResponseRecorder {
  private recorded: RecordedResponse[] = [];
  private contract?: ApiContract;

  constructor() {
    live.add(this);
  }

  /** The contract to check against; answers recorded before it is set are checked too. */
  use(contract: ApiContract): void {
    this.contract = contract;
  }

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding: unknown): void => {
      if (typeof chunk === 'string') {
        chunks.push(
          Buffer.from(chunk, typeof encoding === 'string' ? (encoding as never) : 'utf8'),
        );
      } else if (chunk instanceof Uint8Array) {
        chunks.push(Buffer.from(chunk));
      }
    };
    const { write, end } = response;
    response.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Response['write'];
    response.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      return (end as (...args: unknown[]) => Response).call(this, chunk, ...rest);
    } as Response['end'];
    response.on('finish', () => {
      this.record({
        method: request.method,
        path: (request.originalUrl || request.url).split('?')[0],
        status: response.statusCode,
        headers: response.getHeaders(),
        body: Buffer.concat(chunks),
      });
    });
    next();
  };

  /** Keeps an answer for the next check. */
  record(response: RecordedResponse): void {
    this.recorded.push(response);
  }

  /** Checks the answers recorded since the last check; throws, naming each, if any is undocumented. */
  check(): void {
    if (!this.contract) return;
    const recorded = this.recorded;
    this.recorded = [];
    const contract = this.contract;
    const problems = recorded.flatMap((response) => contract.problems(response));
    if (problems.length > 0) {
      throw new Error(
        `Answers that the service's OpenAPI document does not describe:\n  - ${problems.join('\n  - ')}`,
      );
    }
  }

  /** Stops recording; what was recorded is checked one last time. */
  close(): void {
    live.delete(this);
    this.check();
  }
}

/**
 * Requests to a service this process did not start (the built service), through supertest, each
 * answer kept by `recorder` as it arrives.
 */
export function recordingClient(
  baseUrl: string,
  recorder: ResponseRecorder,
): Record<'get' | 'post', (path: string) => supertest.Test> {
  const send = (method: 'get' | 'post', path: string) =>
    supertest(baseUrl)
      [method](path)
      .on('response', (response: supertest.Response) =>
        recorder.record({
          method: method.toUpperCase(),
          path,
          status: response.status,
          headers: response.headers,
          body: Buffer.from(response.text ?? ''),
        }),
      );
  return { get: (path) => send('get', path), post: (path) => send('post', path) };
}

/** Checks every live app's answers since the last check (run after each e2e test). */
export function checkRecordedResponses(): void {
  const failures: string[] = [];
  for (const recorder of live) {
    try {
      recorder.check();
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}
