import fc from 'fast-check';
import type { Response } from 'supertest';
import { login, registerUser, STRONG_PASSWORD, THIRD_STRONG_PASSWORD } from '../support/factories';
import { useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

/** Fixed, so a run that fails fails again; set FC_SEED to explore other inputs. */
const SEED = Number(process.env.FC_SEED ?? 20_251_129);

/** The body limit in bytes (`100kb` as body-parser reads it). */
const BODY_LIMIT_BYTES = 100 * 1024;

interface Route {
  name: string;
  path: string;
  /** The fields its DTO takes, so shaped bodies get past the whitelist to the code behind it. */
  fields: string[];
  bearer: boolean;
}

const ROUTES: Route[] = [
  { name: 'register', path: '/auth/register', fields: ['email', 'password'], bearer: false },
  { name: 'login', path: '/auth/login', fields: ['email', 'password'], bearer: false },
  { name: 'forgot-password', path: '/auth/forgot-password', fields: ['email'], bearer: false },
  { name: 'verify', path: '/auth/reset-password/verify', fields: ['token'], bearer: false },
  {
    name: 'reset-password',
    path: '/auth/reset-password',
    fields: ['token', 'newPassword'],
    bearer: false,
  },
  {
    name: 'change-password without a token',
    path: '/auth/change-password',
    fields: ['currentPassword', 'newPassword'],
    bearer: false,
  },
  {
    name: 'change-password with a token',
    path: '/auth/change-password',
    fields: ['currentPassword', 'newPassword'],
    bearer: true,
  },
];

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON;charset=UTF-8',
  'application/json; charset=utf-16le',
  'application/json; charset=iso-8859-1',
  'application/json; boundary=x',
];

/** Everything else a client might send; `undefined` sends no Content-Type at all. */
const OTHER_TYPES = [
  undefined,
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----boundary',
  'application/xml',
  'text/xml',
  'text/html',
  'application/octet-stream',
  'application/merge-patch+json',
  'application/ld+json',
  'application/jsonp',
  'application/javascript',
  'json',
  '*/*',
  'garbage',
  ';;;',
  'text/plain; x=application/json',
];

/** Lines the app must never log for anything a client sends. */
const ERROR_LINE = /^(error|fatal|stack) /;

/** Characters that break naive handling: controls, invisibles, unpaired surrogates, quotes. */
const NASTY_UNIT = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '"',
  '\\',
  '@',
  '.',
  ' ',
  'a',
  'Z',
  'ö',
  'o\u0308',
  'ß',
  'İ',
  '例',
  '😀',
);

const hostileString = fc.oneof(
  fc.string({ unit: NASTY_UNIT, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(fc.string({ unit: NASTY_UNIT, maxLength: 10 }), fc.emailAddress())
    .map(([noise, email]) => `${noise}${email}${noise}`),
  fc.emailAddress().map((email) => email.toUpperCase()),
  fc.constant(STRONG_PASSWORD),
);

/** A value for one field: mostly strings, sometimes anything JSON can hold. */
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A number literal as text: JSON.parse turns some into Infinity, -0 or lossy doubles. */
const numberLiteral = fc.oneof(
  fc.constantFrom(
    '1e400',
    '-1e400',
    '1e-400',
    '-0',
    '0.0000000000000000000000000000001',
    '123456789012345678901234567890123456789',
    '9007199254740993',
    '1.7976931348623157e308',
    '5e-324',
    `1${'0'.repeat(5_000)}`,
    'NaN',
    'Infinity',
    '0x10',
    '01',
    '1.',
    '.5',
  ),
  fc.double().map((n) => String(n)),
  fc.bigInt().map((n) => n.toString()),
);

/** `[[…]]` or `{"a":{"a":…}}` up to 5,000 levels around a leaf. */
const deepValue = fc
  .tuple(fc.integer({ min: 1, max: 5_000 }), fc.boolean(), fc.constantFrom('1', '"x"', '{}', '[]'))
  .map(([depth, arrays, leaf]) =>
    arrays
      ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`,
  );

/** `{ statusCode, error, message }` in JSON, as every error answer must be. */
function isErrorBody(response: Response): boolean {
  const body = response.body as { statusCode?: unknown; error?: unknown; message?: unknown };
  return (
    /^application\/json/.test(String(response.headers['content-type'])) &&
    body.statusCode === response.status &&
    typeof body.error === 'string' &&
    (typeof body.message === 'string' || Array.isArray(body.message))
  );
}

/** A JSON object text with `value` (already JSON text) in every field of the route. */
function objectText(route: Route, value: string): string {
  return `{${route.fields.map((field) => `"${field}":${value}`).join(',')}}`;
}

describe.each(databaseKinds())('Hostile input over HTTP (%s)', (kind) => {
  // Every limit high (testEnvironment() sets the others): this is about answers, not about limits.
  const ctx = useTestApp(kind, { CHANGE_PASSWORD_LIMIT: '10000' });
  let accessToken: string;

  beforeAll(async () => {
    // Not a password the generators use: a change-password that succeeded would end the session.
    const user = await registerUser(ctx.app, undefined, THIRD_STRONG_PASSWORD);
    accessToken = await login(ctx.app, user.email, user.password);
  });

  afterAll(() => {
    // Listeners run after the answer: whatever they logged is in by now.
    expect(ctx.app.logger.lines.filter((line) => ERROR_LINE.test(line))).toEqual([]);
  });

  function post(
    route: Route,
    body: string | Buffer,
    contentType: string | undefined = 'application/json',
    contentEncoding?: string,
  ): Promise<Response> {
    let request = ctx.app.http().post(route.path);
    if (route.bearer) request = request.auth(accessToken, { type: 'bearer' });
    if (contentType !== undefined) request = request.set('Content-Type', contentType);
    if (contentEncoding !== undefined) request = request.set('Content-Encoding', contentEncoding);
    // The bytes go out as they are: no serializer, no Content-Type added by supertest.
    return request.serialize((raw: unknown) => raw as string).send(Buffer.from(body));
  }

  /**
   * Sends the body to the route; fails, naming the route and what went wrong, unless the answer is
   * below 500, an error answer is JSON with statusCode, error and message, and nothing logged an error.
   */
  async function expectClientAnswer(
    route: Route,
    body: string | Buffer,
    contentType?: string,
    contentEncoding?: string,
  ): Promise<Response> {
    const linesBefore = ctx.app.logger.lines.length;
    const response = await post(route, body, contentType, contentEncoding);
    const problems: string[] = [];
    if (response.status >= 500) problems.push(`answered ${response.status}: ${response.text}`);
    if (response.status >= 400 && !isErrorBody(response)) {
      problems.push(`answered ${response.status} with ${response.type}: ${response.text}`);
    }
    const errors = ctx.app.logger.lines.slice(linesBefore).filter((line) => ERROR_LINE.test(line));
    if (errors.length > 0) problems.push(`logged ${errors.join('\n')}`);
    expect({ route: route.name, contentType, problems }).toEqual({
      route: route.name,
      contentType,
      problems: [],
    });
    return response;
  }

  it('should answer any JSON value, on any route, with a client error in JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        for (const route of ROUTES) await expectClientAnswer(route, JSON.stringify(value));
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('should answer bodies shaped like each route with hostile field values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ email: fieldValue, password: fieldValue, token: fieldValue }),
        async (values) => {
          for (const route of ROUTES) {
            const body = Object.fromEntries(
              route.fields.map((field) => [
                field,
                field === 'email' || field === 'token' ? values[field] : values.password,
              ]),
            );
            // JSON.stringify writes unpaired surrogates as \ud800 escapes: JSON.parse gives them back.
            await expectClientAnswer(route, JSON.stringify(body));
          }
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('should answer raw control characters, unpaired surrogates and invalid UTF-8 bytes', async () => {
    const rawString = fc.oneof(
      // Unescaped, so control characters make the JSON invalid and surrogates go out as U+FFFD.
      fc
        .string({ unit: NASTY_UNIT, maxLength: 40 })
        .map((text) => Buffer.from(text.replace(/["\\]/g, (c) => `\\${c}`))),
      // Escaped by hand, as a client that writes its own JSON might.
      fc
        .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 })
        .map((units) =>
          Buffer.from(units.map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`).join('')),
        ),
      // Bytes that are not UTF-8 at all: lone continuation bytes, CESU-8 surrogates, overlongs.
      fc
        .array(
          fc.oneof(
            fc.integer({ min: 0x80, max: 0xff }).map((byte) => [byte]),
            fc.constantFrom([0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80], [0xff]),
            fc.integer({ min: 0x61, max: 0x7a }).map((byte) => [byte]),
          ),
          { minLength: 1, maxLength: 20 },
        )
        .map((chunks) => Buffer.from(chunks.flat())),
    );
    await fc.assert(
      fc.asyncProperty(rawString, async (inside) => {
        for (const route of ROUTES) {
          const [before, after] = objectText(route, '"\u0000"').split('\u0000');
          await expectClientAnswer(
            route,
            Buffer.concat([Buffer.from(before), inside, Buffer.from(after)]),
          );
        }
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it('should answer huge numbers and nesting up to 5,000 levels deep', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(numberLiteral, deepValue),
        fc.boolean(),
        async (value, asWholeBody) => {
          for (const route of ROUTES) {
            const response = await expectClientAnswer(
              route,
              asWholeBody ? value : objectText(route, value),
            );
            expect(response.status).toBeGreaterThanOrEqual(400);
          }
        },
      ),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('should answer long strings under the body limit and 413 above it', async () => {
    await fc.assert(
      fc.asyncProperty(
        // About half the bodies fit under the limit, half do not.
        fc.integer({ min: 50_000, max: 150_000 }),
        fc.constantFrom('a', 'ö', '例', '\u0000', '😀', '\ud800'),
        async (bodyBytes, unit) => {
          const unitBytes = Buffer.byteLength(JSON.stringify(unit)) - 2;
          for (const route of ROUTES) {
            const repeat = Math.floor(bodyBytes / route.fields.length / unitBytes);
            const body = objectText(route, JSON.stringify(unit.repeat(repeat)));
            const response = await expectClientAnswer(route, body);
            if (Buffer.byteLength(body) > BODY_LIMIT_BYTES) expect(response.status).toBe(413);
            else expect(response.status).not.toBe(413);
          }
        },
      ),
      { seed: SEED, numRuns: 12 },
    );
  });

  it('should answer every Content-Type and Content-Encoding, and 415 to anything but JSON', async () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      minLength: 1,
      maxLength: 40,
    });
    const contentType = fc.oneof(
      fc.constantFrom(...JSON_TYPES, ...OTHER_TYPES),
      printable,
      printable.map((junk) => `application/json${junk}`),
    );
    const body = fc.oneof(
      fc.record({ email: fc.emailAddress() }).map((value) => Buffer.from(JSON.stringify(value))),
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      printable.map((text) => Buffer.from(text)),
    );
    const encoding = fc.constantFrom(undefined, 'identity', 'gzip', 'deflate', 'br', 'x-garbage');
    await fc.assert(
      fc.asyncProperty(contentType, body, encoding, async (type, bytes, contentEncoding) => {
        const isJson = type?.split(';', 1)[0].trim().toLowerCase() === 'application/json';
        for (const route of ROUTES) {
          const response = await expectClientAnswer(route, bytes, type, contentEncoding);
          if (!isJson) {
            expect(response.status).toBe(415);
            expect(response.body.message).toBe(
              'Send the body as JSON (Content-Type: application/json)',
            );
          }
        }
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});
