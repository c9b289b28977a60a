import { compileErrors, validate } from '@readme/openapi-parser';
import { Document, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import * as Parsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import type { Response } from 'supertest';
import { JSON_ONLY_MESSAGE } from '../../src/http/json-bodies-only.middleware';
import { login, newEmail, registerUser, STRONG_PASSWORD } from '../support/factories';
import { useTestApp } from '../support/test-app';

/** Each operation, by method and path, with the operationId a generated client calls it by. */
const OPERATION_IDS: Record<string, string> = {
  'POST /auth/register': 'register',
  'POST /auth/login': 'login',
  'POST /auth/change-password': 'changePassword',
  'GET /users/me': 'getMe',
  'PATCH /users/me': 'updateMe',
  'DELETE /users/me': 'deleteMe',
  'POST /auth/forgot-password': 'forgotPassword',
  'POST /auth/reset-password/verify': 'verifyResetToken',
  'POST /auth/reset-password': 'resetPassword',
  'POST /auth/reset-password/code/verify': 'verifyResetCode',
  'POST /auth/reset-password/code': 'resetPasswordWithCode',
  'GET /health': 'getHealth',
  'GET /health/details': 'getHealthDetails',
};

/**
 * Every status each operation can answer, read off its guards, pipe, filter and service: a body
 * means 400 (validation), 413 and 415; a per-IP limit means 429; a password strength check means 503
 * BUSY.
 */
const STATUSES: Record<string, string[]> = {
  register: ['201', '202', '400', '409', '413', '415', '429', '503'],
  login: ['200', '400', '401', '413', '415', '429'],
  changePassword: ['204', '400', '401', '413', '415', '429', '503'],
  getMe: ['200', '401'],
  updateMe: ['200', '400', '401', '413', '415', '429'],
  deleteMe: ['204', '400', '401', '413', '415', '429'],
  forgotPassword: ['202', '400', '413', '415', '429'],
  verifyResetToken: ['200', '400', '413', '415', '429'],
  resetPassword: ['200', '400', '413', '415', '429', '503'],
  verifyResetCode: ['200', '400', '413', '415', '429'],
  resetPasswordWithCode: ['200', '400', '413', '415', '429', '503'],
  getHealth: ['200', '503'],
  getHealthDetails: ['200', '401', '404', '503'],
};

const SECURITY: Record<string, unknown> = {
  changePassword: [{ accessToken: [] }],
  getMe: [{ accessToken: [] }],
  updateMe: [{ accessToken: [] }],
  deleteMe: [{ accessToken: [] }],
  getHealthDetails: [{ healthToken: [] }],
};

/** The 503s of the health routes are their report, not an error body. */
const REPORT_BODIES = new Set(['getHealth 503', 'getHealthDetails 503']);

interface Example {
  summary: string;
  value: Record<string, unknown>;
}

interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: object }>;
  content?: {
    'application/json': {
      schema: { $ref?: string; allOf?: { $ref?: string }[] };
      examples?: Record<string, Example>;
    };
  };
}

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown;
  responses: Record<string, ResponseObject>;
}

interface OpenApiDocument {
  info: { description: string };
  components: { schemas: Record<string, unknown> };
  servers: { url: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
}

const SEVERITY = ['error', 'warning', 'info', 'hint'];

describe('OpenAPI document (/docs-json)', () => {
  // A low forgot-password limit, so one test can reach the documented 429.
  const ctx = useTestApp('sqlite', { FORGOT_PASSWORD_LIMIT: '2' });
  let text: string;
  let document: OpenApiDocument;
  let operations: Map<string, Operation>;

  beforeAll(async () => {
    const response = await ctx.app.http().get('/docs-json').expect(200);
    text = response.text;
    document = JSON.parse(text) as OpenApiDocument;
    operations = new Map(
      Object.entries(document.paths).flatMap(([path, byMethod]) =>
        Object.entries(byMethod).map(
          ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as const,
        ),
      ),
    );
  });

  it('should be a valid OpenAPI document (@readme/openapi-parser)', async () => {
    // validate() dereferences what it is given: hand it a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result.warnings).toEqual([]);
  });

  it("should pass Spectral's spectral:oas ruleset with no result of any severity", async () => {
    const spectral = new Spectral();
    // The package's declaration of `oas` does not match setRuleset's parameter type; the value does.
    spectral.setRuleset(oas as RulesetDefinition);
    const results = await spectral.run(new Document(text, Parsers.Json, '/docs-json'));
    const readable = results.map(
      (result) =>
        `${SEVERITY[result.severity]} ${result.code} at ${result.path.join('.') || '(root)'}: ${result.message}`,
    );
    expect(readable).toEqual([]);
  });

  it('should name every operation with its short camelCase operationId', () => {
    const actual = Object.fromEntries(
      [...operations].map(([route, op]) => [route, op.operationId]),
    );
    expect(actual).toEqual(OPERATION_IDS);
  });

  it("should tag the module's operations with the default apiTag and name their schemas PasswordReset…", () => {
    const tags = Object.fromEntries(
      [...operations.values()].map((op) => [op.operationId, op.tags?.join()]),
    );
    expect(tags).toEqual(
      Object.fromEntries(
        Object.keys(STATUSES).map((id) => [
          id,
          id.startsWith('getHealth') ? 'health' : 'Password reset',
        ]),
      ),
    );
    // Every schema the module's operations use, and the schemas those use in turn.
    const used = new Set<string>();
    const pending: unknown[] = [...operations.values()].filter(
      (op) => op.tags?.[0] === 'Password reset',
    );
    for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
      if (value === null || typeof value !== 'object') continue;
      const ref = (value as { $ref?: unknown }).$ref;
      if (typeof ref === 'string' && !used.has(ref)) {
        used.add(ref);
        pending.push(document.components.schemas[ref.replace('#/components/schemas/', '')]);
      }
      pending.push(...Object.values(value));
    }
    const names = [...used].map((ref) => ref.replace('#/components/schemas/', '')).sort();
    expect(names).toEqual([
      'PasswordResetAccessToken',
      'PasswordResetAccount',
      'PasswordResetChangePasswordBody',
      'PasswordResetDeleteAccountBody',
      'PasswordResetError',
      'PasswordResetForgotPasswordBody',
      'PasswordResetLoginBody',
      'PasswordResetMessage',
      'PasswordResetRegisterBody',
      'PasswordResetResetPasswordBody',
      'PasswordResetResetPasswordWithCodeBody',
      'PasswordResetTokenExpiry',
      'PasswordResetUpdateAccountBody',
      'PasswordResetVerifyResetCodeBody',
      'PasswordResetVerifyResetTokenBody',
    ]);
  });

  it('should give every operation one declared tag, a summary and a description', () => {
    const declared = new Set(document.tags.map((tag) => tag.name));
    const problems = [...operations.values()].flatMap((op) => [
      ...(op.summary?.trim() ? [] : [`${op.operationId}: no summary`]),
      // More than a line: what the operation does that its summary cannot say.
      ...((op.description?.trim().length ?? 0) > 60 ? [] : [`${op.operationId}: no description`]),
      ...(op.tags?.length === 1 && declared.has(op.tags[0])
        ? []
        : [`${op.operationId}: tags ${op.tags?.join()}`]),
    ]);
    expect(problems).toEqual([]);
    expect(document.tags.filter((tag) => !tag.description)).toEqual([]);
    expect(document.servers).toEqual([expect.objectContaining({ url: 'http://localhost:3000' })]);
  });

  it('should declare every status each operation can answer, and no other', () => {
    const actual = Object.fromEntries(
      [...operations.values()].map((op) => [op.operationId, Object.keys(op.responses).sort()]),
    );
    expect(actual).toEqual(STATUSES);
  });

  it('should describe every answer and give every error the error schema, examples and its headers', () => {
    const problems: string[] = [];
    for (const op of operations.values()) {
      for (const [status, response] of Object.entries(op.responses)) {
        const where = `${op.operationId} ${status}`;
        if (!response.description) problems.push(`${where}: no description`);
        if (Number(status) < 400 || REPORT_BODIES.has(where)) continue;
        const content = response.content?.['application/json'];
        // The error schema, its `code` narrowed to the codes of this answer.
        if (content?.schema.allOf?.[0]?.$ref !== '#/components/schemas/PasswordResetError') {
          problems.push(`${where}: not the PasswordResetError schema`);
        }
        if (Object.keys(content?.examples ?? {}).length === 0)
          problems.push(`${where}: no example`);
        const headers = Object.keys(response.headers ?? {});
        const expected = [
          ...(status === '429' || status === '503' ? ['Retry-After'] : []),
          ...(status === '401' ? ['WWW-Authenticate'] : []),
        ];
        if (headers.join() !== expected.join()) {
          problems.push(
            `${where}: headers ${headers.join() || 'none'}, expected ${expected.join()}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should say which bearer scheme each protected operation needs, and none for the others', () => {
    for (const op of operations.values()) {
      expect({ op: op.operationId, security: op.security }).toEqual({
        op: op.operationId,
        security: SECURITY[op.operationId],
      });
    }
  });

  it('should describe the flow and what the answers never reveal', () => {
    const description = document.info.description.replace(/\s+/g, ' ');
    for (const phrase of [
      'forgotPassword',
      'same body for every well-formed address',
      '#token=',
      'fragment',
      'INVALID_RESET_TOKEN',
      'signs nobody in',
      'Retry-After',
    ]) {
      expect(description).toContain(phrase);
    }
  });

  describe('examples', () => {
    const example = (operationId: string, status: number, name: string) =>
      documentedExample(document, operationId, status, name);
    const expectDocumented = (
      response: Response,
      operationId: string,
      name: string,
      value?: Record<string, unknown>,
    ) => expectAsDocumented(document, response, operationId, name, value);

    it('should match what the routes answer to bad bodies', async () => {
      const http = () => ctx.app.http();
      expectDocumented(
        await http().post('/auth/forgot-password').send({ email: 'not an email' }),
        'forgotPassword',
        'invalidBody',
      );
      expectDocumented(
        await http().post('/auth/forgot-password').send([]),
        'forgotPassword',
        'notAnObject',
      );
      expectDocumented(
        await http().post('/auth/forgot-password').set('Content-Type', 'text/plain').send('a@b.c'),
        'forgotPassword',
        'notJson',
      );
      expect(example('forgotPassword', 415, 'notJson').value.message).toBe(JSON_ONLY_MESSAGE);
      expectDocumented(
        await http()
          .post('/auth/forgot-password')
          .send({ email: 'x'.repeat(110_000) }),
        'forgotPassword',
        'bodyTooLarge',
      );
      expectDocumented(
        await http().post('/auth/reset-password/verify').send({ token: '' }),
        'verifyResetToken',
        'invalidBody',
      );
      expectDocumented(
        await http().post('/auth/reset-password').send({ token: 'x', newPassword: 'short' }),
        'resetPassword',
        'invalidBody',
      );
      expectDocumented(
        await http().post('/auth/register').send({ email: 'not an email', password: 'short' }),
        'register',
        'invalidBody',
      );
      expectDocumented(
        await http().post('/auth/login').send({ email: newEmail(), password: '' }),
        'login',
        'invalidBody',
      );
    });

    it('should match what the routes answer to refused requests', async () => {
      const http = () => ctx.app.http();
      const user = await registerUser(ctx.app);
      const accessToken = await login(ctx.app, user.email, user.password);

      expectDocumented(
        await http().post('/auth/register').send({ email: user.email, password: STRONG_PASSWORD }),
        'register',
        'emailTaken',
      );
      expectDocumented(
        await http()
          .post('/auth/register')
          .send({ email: 'weak@example.com', password: 'password1' }),
        'register',
        'weakPassword',
      );
      expectDocumented(
        await http().post('/auth/login').send({ email: user.email, password: 'not the password' }),
        'login',
        'invalidCredentials',
      );
      expectDocumented(await http().get('/users/me'), 'getMe', 'noAccessToken');
      expectDocumented(
        await http()
          .post('/auth/change-password')
          .auth(accessToken, { type: 'bearer' })
          .send({ currentPassword: 'not the password', newPassword: 'short' }),
        'changePassword',
        'invalidBody',
      );
      expectDocumented(
        await http()
          .post('/auth/change-password')
          .auth(accessToken, { type: 'bearer' })
          .send({ currentPassword: 'not the password', newPassword: STRONG_PASSWORD }),
        'changePassword',
        'wrongCurrentPassword',
      );
      expectDocumented(
        await http()
          .patch('/users/me')
          .auth(accessToken, { type: 'bearer' })
          .send({ locale: 'en_US!' }),
        'updateMe',
        'invalidBody',
      );
      expectDocumented(
        await http()
          .delete('/users/me')
          .auth(accessToken, { type: 'bearer' })
          .send({ password: '' }),
        'deleteMe',
        'invalidBody',
      );
      expectDocumented(
        await http().post('/auth/reset-password/verify').send({ token: 'no-such-token' }),
        'verifyResetToken',
        'invalidResetToken',
      );
      expectDocumented(
        await http()
          .post('/auth/reset-password/code/verify')
          .send({ email: 'nobody@example.com', code: '1234 5678' }),
        'verifyResetCode',
        'invalidResetCode',
      );
      expectDocumented(
        await http().get('/health/details').auth('some-token-or-other', { type: 'bearer' }),
        'getHealthDetails',
        'notConfigured',
      );
    });

    it('should match the 429 of a per-IP limit, but for the seconds to wait', async () => {
      const send = () => ctx.app.http().post('/auth/forgot-password').send({ email: newEmail() });
      // Earlier tests' invalid bodies counted too (the limit is checked before validation).
      let refused = await send();
      for (let sent = 1; refused.status !== 429 && sent <= 2; sent++) refused = await send();
      expect(refused.status).toBe(429);
      const documented = example('forgotPassword', 429, 'rateLimited').value;
      const seconds: string = refused.headers['retry-after'];
      expect(seconds).toMatch(/^\d+$/);
      expectDocumented(refused, 'forgotPassword', 'rateLimited', {
        ...documented,
        message: `Too many requests. Try again in ${seconds} seconds.`,
      });
    });
  });
});

describe('OpenAPI examples with HEALTH_TOKEN set', () => {
  const HEALTH_TOKEN = 'openapi-health-token-0123456789';
  const ctx = useTestApp('sqlite', { HEALTH_TOKEN });
  let document: OpenApiDocument;

  beforeAll(async () => {
    document = (await ctx.app.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  it('should match the 401 of a wrong health token', async () => {
    const response = await ctx.app.http().get('/health/details').auth('wrong', { type: 'bearer' });
    expectAsDocumented(document, response, 'getHealthDetails', 'noHealthToken');
  });

  // breachCheckUnavailable is checked against a live answer in breached-passwords.e2e-spec.ts.
  it('should have checked every documented example but BUSY, which needs an overloaded server', () => {
    const documented = new Set(
      Object.values(document.paths).flatMap((byMethod) =>
        Object.values(byMethod).flatMap((op) =>
          Object.values(op.responses).flatMap((response) =>
            Object.keys(response.content?.['application/json'].examples ?? {}),
          ),
        ),
      ),
    );
    expect([...documented].filter((name) => !checkedExamples.has(name))).toEqual([
      'busy',
      'breachCheckUnavailable',
    ]);
  });
});

/** Names of the error examples a test has compared with a live answer. */
const checkedExamples = new Set<string>();

function findOperation(document: OpenApiDocument, operationId: string): Operation {
  const found = Object.values(document.paths)
    .flatMap((byMethod) => Object.values(byMethod))
    .find((op) => op.operationId === operationId);
  if (!found) throw new Error(`No operation ${operationId}`);
  return found;
}

function documentedExample(
  document: OpenApiDocument,
  operationId: string,
  status: number,
  name: string,
): Example {
  const response = findOperation(document, operationId).responses[String(status)];
  const found = response?.content?.['application/json'].examples?.[name];
  if (!found) throw new Error(`${operationId} documents no ${status} example "${name}"`);
  checkedExamples.add(name);
  return found;
}

/** The live answer is the documented example word for word (or `value`), with the documented headers. */
function expectAsDocumented(
  document: OpenApiDocument,
  response: Response,
  operationId: string,
  name: string,
  value?: Record<string, unknown>,
): void {
  const documented = documentedExample(document, operationId, response.status, name);
  expect(response.body).toEqual(value ?? documented.value);
  const { headers = {} } = findOperation(document, operationId).responses[String(response.status)];
  const missing = Object.keys(headers).filter(
    (header) => response.headers[header.toLowerCase()] === undefined,
  );
  expect(missing).toEqual([]);
}
