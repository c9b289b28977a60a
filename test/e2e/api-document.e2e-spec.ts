import { PASSWORD_RESET_ROUTE_ERROR_CODES } from '../../src/http/error-response.dto';
import { login, newEmail, registerUser, THIRD_STRONG_PASSWORD } from '../support/factories';
import { createTestApp, TestApp, useTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * What a validating proxy or a generated client reads in /docs-json agrees with what the service
 * checks and sends (issue 14 item 9), and Swagger UI is set up for someone who opens it for the
 * first time (item 11). Schema and tag names are not spelled out here: they are the embedding's
 * concern, and a test that looked them up by name would only follow them.
 */

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  not?: Schema;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  example?: unknown;
}

interface Operation {
  operationId: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

interface OpenApiDocument {
  info: { description: string };
  servers: { url: string; description?: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, Record<string, string>>;
  };
}

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.values(document.paths).flatMap((byMethod) => Object.values(byMethod));
}

function findOperation(document: OpenApiDocument, operationId: string): Operation {
  const found = operationsOf(document).find((op) => op.operationId === operationId);
  if (!found) throw new Error(`No operation ${operationId}`);
  return found;
}

/** `schema` with its `$ref` followed (one level is all the document uses). */
function resolve(document: OpenApiDocument, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  return document.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
}

function requestSchema(document: OpenApiDocument, operation: Operation): Schema | undefined {
  const schema = operation.requestBody?.content['application/json']?.schema;
  return schema && resolve(document, schema);
}

/** Every schema in the document, the components' and the operations' own, with where it is. */
function everySchema(document: OpenApiDocument): [string, Schema][] {
  const found: [string, Schema][] = [];
  const visit = (where: string, schema: Schema | undefined): void => {
    if (!schema) return;
    found.push([where, schema]);
    for (const [name, property] of Object.entries(schema.properties ?? {}))
      visit(`${where}.${name}`, property);
    (schema.allOf ?? []).forEach((part, i) => visit(`${where}.allOf[${i}]`, part));
    (schema.oneOf ?? []).forEach((part, i) => visit(`${where}.oneOf[${i}]`, part));
    visit(`${where}[]`, schema.items);
  };
  for (const [name, schema] of Object.entries(document.components.schemas)) visit(name, schema);
  for (const op of operationsOf(document)) {
    for (const [status, response] of Object.entries(op.responses))
      visit(`${op.operationId} ${status}`, response.content?.['application/json']?.schema);
  }
  return found;
}

/**
 * The codes an error response of an operation allows: its schema narrows the error schema's `code`
 * (an enum, or `not: {}` for none); without a narrowing, every code of the error schema.
 */
function allowedCodes(document: OpenApiDocument, schema: Schema): string[] {
  const own = schema.properties?.code;
  if (own) return own.not ? [] : (own.enum ?? []);
  const base = schema.allOf?.length === 1 ? schema.allOf[0] : schema;
  return resolve(document, base).properties?.code?.enum ?? [];
}

/** Operation ids in the order Swagger UI lists them: tag by tag (declared tags first), path order within. */
function displayOrder(document: OpenApiDocument): string[] {
  const groups = new Map<string, string[]>((document.tags ?? []).map((tag) => [tag.name, []]));
  for (const op of operationsOf(document)) {
    for (const tag of op.tags?.length ? op.tags : ['default']) {
      groups.set(tag, [...(groups.get(tag) ?? []), op.operationId]);
    }
  }
  return [...new Set([...groups.values()].flat())];
}

/** `n` code points that JSON Schema, class-validator and `String.length` each count differently. */
function awkwardText(n: number): string {
  // U+1F600 is two UTF-16 units; U+FE0F is a variation selector that validator.js does not count.
  return '\u{1F600}\uFE0F'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2);
}

/** A valid address of 254 code points, the most allowed; past that, the same padded with spaces. */
function emailOfLength(n: number): string {
  if (n > 254) return ' '.repeat(n - 254) + emailOfLength(254);
  if (n !== 254) throw new Error('Only the longest address is needed');
  // 64 + '@' + 63 + '.' + 63 + '.' + 57 + '.com' = 254
  return `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
}

/** Whether a 400 refused `field` for its length (class-validator's words, the address's or the policy's). */
function refusedForLength(body: { message?: string | string[] }, field: string): boolean {
  const messages = ([] as string[]).concat(body.message ?? []);
  return messages.some(
    (message) =>
      (message.startsWith(`${field} `) &&
        /(longer|shorter) than or equal to|at most \d+ characters|should not be empty/.test(
          message,
        )) ||
      /^Password must be \d+ to \d+ characters long$/.test(message),
  );
}

describe('OpenAPI document: what the service checks and sends (issue 14 item 9)', () => {
  const ctx = useTestApp('sqlite');
  let document: OpenApiDocument;

  beforeAll(async () => {
    document = (await ctx.app.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  /** The length limits of each body property, as the issue states them. */
  const LIMITS: Record<string, Record<string, { minLength?: number; maxLength: number }>> = {
    register: {
      email: { maxLength: 254 },
      password: { minLength: 8, maxLength: 128 },
      locale: { maxLength: 35 },
      timeZone: { maxLength: 64 },
    },
    login: { email: { maxLength: 254 }, password: { minLength: 1, maxLength: 128 } },
    changePassword: {
      currentPassword: { minLength: 1, maxLength: 128 },
      newPassword: { minLength: 8, maxLength: 128 },
    },
    updateMe: { locale: { maxLength: 35 }, timeZone: { maxLength: 64 } },
    deleteMe: { password: { minLength: 1, maxLength: 128 } },
    forgotPassword: { email: { maxLength: 254 } },
    verifyResetToken: { token: { minLength: 1, maxLength: 256 } },
    resetPassword: {
      token: { minLength: 1, maxLength: 256 },
      newPassword: { minLength: 8, maxLength: 128 },
    },
    verifyResetCode: { email: { maxLength: 254 }, code: { minLength: 8, maxLength: 9 } },
    resetPasswordWithCode: {
      email: { maxLength: 254 },
      code: { minLength: 8, maxLength: 9 },
      newPassword: { minLength: 8, maxLength: 128 },
    },
  };

  it("should carry every body property's length limits", () => {
    const actual = Object.fromEntries(
      operationsOf(document)
        .filter((op) => op.requestBody)
        .map((op) => [
          op.operationId,
          Object.fromEntries(
            Object.entries(requestSchema(document, op)?.properties ?? {}).map(
              ([name, { minLength, maxLength }]) => [
                name,
                minLength === undefined ? { maxLength } : { minLength, maxLength },
              ],
            ),
          ),
        ]),
    );
    expect(actual).toEqual(LIMITS);
  });

  it('should refuse exactly what the document refuses: each limit, counted in code points', async () => {
    // Not the examples' password: no request below may change or delete this account.
    const user = await registerUser(ctx.app, newEmail(), THIRD_STRONG_PASSWORD);
    const accessToken = await login(ctx.app, user.email, user.password);
    const problems: string[] = [];
    for (const [operationId, fields] of Object.entries(LIMITS)) {
      const route = Object.entries(document.paths).flatMap(([path, byMethod]) =>
        Object.entries(byMethod)
          .filter(([, op]) => op.operationId === operationId)
          .map(([method]) => ({ method, path })),
      )[0];
      const properties = requestSchema(document, findOperation(document, operationId))!.properties!;
      // Every other field keeps its documented example, so only the field under test can be refused.
      const examples = Object.fromEntries(
        Object.entries(properties).map(([name, schema]) => [name, schema.example]),
      );
      for (const [field, { minLength, maxLength }] of Object.entries(fields)) {
        const value = (n: number) => (field === 'email' ? emailOfLength(n) : awkwardText(n));
        const cases: [number, boolean][] = [
          [maxLength, false],
          [maxLength + 1, true],
          ...(minLength === undefined
            ? []
            : ([
                [minLength, false],
                [minLength - 1, true],
              ] as [number, boolean][])),
        ];
        for (const [length, refused] of cases) {
          const response = await ctx.app
            .http()
            [route.method as 'post' | 'patch' | 'delete'](route.path)
            .auth(accessToken, { type: 'bearer' })
            .send({ ...examples, [field]: value(length) });
          const wasRefused = response.status === 400 && refusedForLength(response.body, field);
          if (wasRefused !== refused) {
            problems.push(
              `${operationId} ${field} of ${length}: ${response.status} ${JSON.stringify(response.body)}`,
            );
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should allow no property but the declared ones in any request body', () => {
    const open = operationsOf(document)
      .filter((op) => op.requestBody)
      .filter((op) => requestSchema(document, op)?.additionalProperties !== false)
      .map((op) => op.operationId);
    expect(open).toEqual([]);
  });

  it('should give every timestamp format date-time, and no number that is not an integer', () => {
    const problems = everySchema(document).flatMap(([where, schema]) => [
      ...(/At$/.test(where) && schema.format !== 'date-time' ? [`${where}: not date-time`] : []),
      ...(schema.type === 'number' ? [`${where}: number, not integer`] : []),
    ]);
    expect(problems).toEqual([]);
    const timestamps = everySchema(document).filter(([, schema]) => schema.format === 'date-time');
    expect(timestamps.length).toBeGreaterThanOrEqual(2);
  });

  it('should allow each error answer only the codes its operation can send', () => {
    const actual: Record<string, Record<string, string[]>> = {};
    for (const op of operationsOf(document)) {
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (Number(status) < 400 || !schema) continue;
        const codes = allowedCodes(document, schema);
        if (codes.length > 0) (actual[op.operationId] ??= {})[status] = [...codes].sort();
      }
    }
    expect(actual).toEqual({
      register: { 400: ['WEAK_PASSWORD'], 409: ['EMAIL_TAKEN'], 503: ['BUSY', 'UNAVAILABLE'] },
      login: { 401: ['INVALID_CREDENTIALS'] },
      changePassword: {
        400: ['WEAK_PASSWORD'],
        401: ['INVALID_CREDENTIALS', 'UNAUTHENTICATED'],
        503: ['BUSY', 'UNAVAILABLE'],
      },
      getMe: { 401: ['UNAUTHENTICATED'] },
      updateMe: { 401: ['UNAUTHENTICATED'] },
      deleteMe: { 401: ['INVALID_CREDENTIALS', 'UNAUTHENTICATED'] },
      verifyResetToken: { 400: ['INVALID_RESET_TOKEN'] },
      resetPassword: {
        400: ['INVALID_RESET_TOKEN', 'WEAK_PASSWORD'],
        503: ['BUSY', 'UNAVAILABLE'],
      },
      verifyResetCode: { 400: ['INVALID_RESET_CODE'] },
      resetPasswordWithCode: {
        400: ['INVALID_RESET_CODE', 'WEAK_PASSWORD'],
        503: ['BUSY', 'UNAVAILABLE'],
      },
      getHealthDetails: { 401: ['UNAUTHENTICATED'] },
    });
  });

  it('should list, in the error schema, exactly the codes some route sends', () => {
    const sent = new Set(
      operationsOf(document).flatMap((op) =>
        Object.entries(op.responses).flatMap(([status, response]) => {
          const schema = response.content?.['application/json']?.schema;
          return Number(status) >= 400 && schema ? allowedCodes(document, schema) : [];
        }),
      ),
    );
    const declared = everySchema(document)
      .filter(([where]) => /^[^ .]+\.code$/.test(where))
      .map(([, schema]) => schema.enum);
    expect(declared).toEqual([[...PASSWORD_RESET_ROUTE_ERROR_CODES]]);
    expect([...sent].sort()).toEqual([...PASSWORD_RESET_ROUTE_ERROR_CODES].sort());
  });

  it('should tell the two bearer schemes apart by name, description and bearerFormat', () => {
    const { securitySchemes } = document.components;
    expect(securitySchemes).toEqual({
      accessToken: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      healthToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const [access, health] = [securitySchemes.accessToken, securitySchemes.healthToken];
    expect(health.bearerFormat).toEqual(expect.any(String));
    expect(health.bearerFormat).not.toBe(access.bearerFormat);
    expect(access.description).toMatch(/login/);
    expect(health.description).toMatch(/HEALTH_TOKEN/);
    expect(access.description).not.toMatch(/HEALTH_TOKEN/);
    const schemesUsed = Object.fromEntries(
      operationsOf(document)
        .filter((op) => op.security)
        .map((op) => [op.operationId, op.security!.flatMap((entry) => Object.keys(entry))]),
    );
    expect(schemesUsed).toEqual({
      changePassword: ['accessToken'],
      getMe: ['accessToken'],
      updateMe: ['accessToken'],
      deleteMe: ['accessToken'],
      getHealthDetails: ['healthToken'],
    });
  });

  it('should list a usable server outside production: http://localhost and the port', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: 'http://localhost:3000' })]);
  });
});

describe('OpenAPI document: the server it lists', () => {
  let database: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await database.drop();
  });

  async function servers(env: Record<string, string>): Promise<unknown> {
    const app = await createTestApp({ database, env });
    apps.push(app);
    return ((await app.http().get('/docs-json').expect(200)).body as OpenApiDocument).servers;
  }

  it('should name the configured PORT on localhost outside production', async () => {
    expect(await servers({ PORT: '4123' })).toEqual([
      expect.objectContaining({ url: 'http://localhost:4123' }),
    ]);
  });

  it('should name PUBLIC_API_URL when it is set, in production too', async () => {
    expect(await servers({ PUBLIC_API_URL: 'https://api.example.com/accounts' })).toEqual([
      expect.objectContaining({ url: 'https://api.example.com/accounts' }),
    ]);
    expect(
      await servers({
        NODE_ENV: 'production',
        SWAGGER_ENABLED: 'true',
        MAIL_FROM: 'no-reply@example.com',
        SMTP_HOST: '127.0.0.1',
        PUBLIC_API_URL: 'https://api.example.com',
      }),
    ).toEqual([expect.objectContaining({ url: 'https://api.example.com' })]);
  });

  it('should refuse a PUBLIC_API_URL that is not an absolute http(s) URL', async () => {
    for (const url of ['/api', 'ftp://api.example.com', 'api.example.com']) {
      await expect(createTestApp({ database, env: { PUBLIC_API_URL: url } })).rejects.toThrow(
        /PUBLIC_API_URL must be an absolute http\(s\) URL/,
      );
    }
  });
});

describe('Swagger UI for a newcomer (issue 14 item 11)', () => {
  const ctx = useTestApp('sqlite');

  /** The options object the page's init script hands Swagger UI. */
  async function uiOptions(): Promise<{
    swaggerDoc: OpenApiDocument;
    customOptions: Record<string, unknown>;
  }> {
    const html = (await ctx.app.http().get('/docs/').expect(200)).text;
    const src = /<script src="\.?\/?([^"]*swagger-ui-init\.js)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const script = (
      await ctx.app
        .http()
        .get(`/docs/${src!.replace(/^docs\//, '')}`)
        .expect(200)
    ).text;
    const literal = /let options = (\{[\s\S]*?\});\n\s*url = options\.swaggerUrl/.exec(script)?.[1];
    expect(literal).toBeDefined();
    return JSON.parse(literal!) as {
      swaggerDoc: OpenApiDocument;
      customOptions: Record<string, unknown>;
    };
  }

  it('should keep the authorization across reloads and show each operationId', async () => {
    const { customOptions } = await uiOptions();
    expect(customOptions).toMatchObject({ persistAuthorization: true, displayOperationId: true });
    // No sorter: the document's own order, below, is the order on the page.
    expect(customOptions.tagsSorter).toBeUndefined();
    expect(customOptions.operationsSorter).toBeUndefined();
  });

  it('should list register and login first, the reset routes after them, health last', async () => {
    const { swaggerDoc } = await uiOptions();
    const order = displayOrder(swaggerDoc);
    expect(order.slice(0, 2)).toEqual(['register', 'login']);
    const afterLogin = order.slice(2);
    for (const reset of [
      'forgotPassword',
      'verifyResetToken',
      'resetPassword',
      'verifyResetCode',
      'resetPasswordWithCode',
    ])
      expect(afterLogin).toContain(reset);
    expect(order.slice(-2)).toEqual(['getHealth', 'getHealthDetails']);
    const json = (await ctx.app.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    expect(displayOrder(json)).toEqual(order);
  });

  it('should keep the description short enough that Authorize shows without scrolling', async () => {
    const { swaggerDoc } = await uiOptions();
    const description = swaggerDoc.info.description;
    // About a screen's worth at Swagger UI's width: the Authorize button sits right below it.
    expect(description.length).toBeLessThanOrEqual(700);
    expect(description.split('\n').length).toBeLessThanOrEqual(10);
    expect(description).not.toMatch(/^#/m);
  });
});
