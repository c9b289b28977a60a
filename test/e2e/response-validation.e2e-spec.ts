import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Response } from 'express';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const ROOT = join(__dirname, '..', '..');

/** Ways to answer that the document does not describe, chosen per request by `X-Misbehave`. */
const MISBEHAVIOURS: Record<string, (response: Response) => void> = {
  status: (response) => void response.status(418).json({ statusCode: 418, error: 'Teapot' }),
  shape: (response) => void response.status(200).json({ id: 42, email: 'someone@example.com' }),
  code: (response) =>
    void response.status(400).json({
      statusCode: 400,
      error: 'Bad Request',
      code: 'INVALID_CREDENTIALS',
      message: 'Email or password is incorrect',
    }),
  header: (response) =>
    void response.status(429).json({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Too many requests. Try again in 60 seconds.',
    }),
  content: (response) => void response.status(200).type('text/plain').send('ok'),
};

/**
 * Every answer an e2e test receives is checked against the service's own /docs-json (issue 14
 * item 10): here, answers that are not as documented fail the check, and what is not an API
 * operation is left alone.
 */
describe('Answers held to the OpenAPI document', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await createTestApp({
      database,
      middleware: (request, response, next) => {
        const misbehave = MISBEHAVIOURS[request.get('x-misbehave') ?? ''];
        if (misbehave) misbehave(response);
        else next();
      },
    });
  });

  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('should fail an answer with a status the operation does not document', async () => {
    await app.http().post('/auth/login').set('X-Misbehave', 'status').send({});
    expect(() => app.checkResponses()).toThrow(
      /login \(POST \/auth\/login\) answered 418, a status it does not document/,
    );
  });

  it('should fail a body of another shape than documented', async () => {
    await app.http().get('/users/me').set('X-Misbehave', 'shape');
    expect(() => app.checkResponses()).toThrow(/getMe .* answered 200: body \/id must be string/);
  });

  it('should fail an error code the operation does not send', async () => {
    await app
      .http()
      .post('/auth/forgot-password')
      .set('X-Misbehave', 'code')
      .send({ email: 'a@example.com' });
    expect(() => app.checkResponses()).toThrow(/forgotPassword .* answered 400: body \/code/);
  });

  it('should fail an answer without a header the document requires', async () => {
    await app.http().post('/auth/register').set('X-Misbehave', 'header').send({});
    expect(() => app.checkResponses()).toThrow(/register .* answered 429: no Retry-After header/);
  });

  it('should fail a body in a media type the answer does not document', async () => {
    await app.http().get('/health').set('X-Misbehave', 'content');
    expect(() => app.checkResponses()).toThrow(
      /getHealth .* answered 200: Content-Type "text\/plain", not application\/json/,
    );
  });

  it("should pass the service's own answers, and leave pages, preflights and unknown routes alone", async () => {
    await app
      .http()
      .post('/auth/login')
      .send({ email: 'nobody@example.com', password: 'x' })
      .expect(401);
    await app.http().post('/auth/forgot-password').send({ email: 'not an address' }).expect(400);
    await app.http().get('/health').expect(200);
    await app.http().get('/reset-password').expect(200);
    await app.http().get('/docs-json').expect(200);
    await app.http().options('/auth/login').set('Origin', 'https://app.test.example').expect(204);
    await app.http().get('/auth/login').expect(404);
    await app.http().get('/no/such/route').expect(404);
    expect(() => app.checkResponses()).not.toThrow();
  });

  it('should fail the test itself, from the check after each test, without any assertion in it', async () => {
    const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const config = {
      rootDir: ROOT,
      testEnvironment: 'node',
      moduleFileExtensions: ['js', 'json', 'ts'],
      transform: { '^.+\\.ts$': ['ts-jest', {}] },
      testRegex: 'test/e2e/fixtures/undocumented-answer\\.fixture\\.ts$',
      setupFilesAfterEnv: ['<rootDir>/test/support/response-contract.setup.ts'],
    };
    const run = promisify(execFile)(process.execPath, [jest, '--config', JSON.stringify(config)], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
    });
    const failure = (await run.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code?: number; stderr?: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('✕ should fail although it asserts nothing');
    expect(failure?.stderr).toContain(
      'login (POST /auth/login) answered 418, a status it does not document',
    );
  }, 120_000);
});
