import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { RequestHandler } from 'express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app/app.module';
import type { AppConfig } from '../../src/app/config/app.config';
import { configureApp, createApiDocument } from '../../src/app/http/configure-app';
import { ENVIRONMENT_KEYS } from '../../src/app/config/environment';
import { ApiContract, ResponseRecorder } from './api-contract';
import { CapturingLogger } from './log-capture';
import { SmtpTestServer } from './smtp-test-server';
import { createTestDatabase, DatabaseKind, TestDatabase } from './test-database';

export const FRONTEND_URL = 'https://app.test.example';

export interface TestAppOptions {
  database: TestDatabase;
  /** Where mail goes; without it, the dev mailbox in a temp folder. */
  smtp?: SmtpTestServer;
  env?: Record<string, string>;
  logger?: CapturingLogger;
  /** A global prefix for every route, set before start-up as a host's main.ts would. */
  globalPrefix?: string;
  /** Express middleware in front of every route: for tests that need the service to misbehave. */
  middleware?: RequestHandler;
}

export interface TestApp {
  app: NestExpressApplication;
  http: () => TestAgent;
  dataSource: DataSource;
  logger: CapturingLogger;
  /**
   * Checks the answers sent since the last check against the service's OpenAPI document, and throws
   * if one is not as documented (done after every e2e test and on close; see `api-contract.ts`).
   */
  checkResponses(): void;
  close(): Promise<void>;
}

/** The environment a test app runs with: fast argon2, a fixed front-end, a fresh database. */
export function testEnvironment(options: TestAppOptions): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: options.database.url,
    FRONTEND_URL,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '2',
    ARGON2_PARALLELISM: '1',
    APP_NAME: 'Test Product',
    MAIL_DEV_DIR: mkdtempSync(join(tmpdir(), 'npr-mailbox-')),
    // Limits, cooldown and delivery timing get in the way of tests about other things; the specs
    // about them set their own values.
    FORGOT_PASSWORD_LIMIT: '10000',
    LOGIN_LIMIT: '10000',
    RESET_PASSWORD_LIMIT: '10000',
    REGISTER_LIMIT: '10000',
    CHANGE_PASSWORD_LIMIT: '10000',
    RESET_EMAIL_COOLDOWN_SECONDS: '0',
    RESET_EMAIL_DAILY_LIMIT: '0',
    RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: '0',
    MAIL_POLL_INTERVAL_SECONDS: '1',
    MAIL_RETRY_BASE_SECONDS: '1',
    MAIL_RESET_JITTER_MS: '0',
    ...(options.smtp ? options.smtp.env() : {}),
    ...options.env,
  };
}

/** Boots the whole service (AppModule, same HTTP set-up as main.ts) in this process. */
export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const logger = options.logger ?? new CapturingLogger();
  const saved = { ...process.env };
  // Every variable the service knows is cleared, so one app's settings never leak into the next.
  for (const key of ENVIRONMENT_KEYS) delete process.env[key];
  Object.assign(process.env, testEnvironment(options));
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ envFile: false })],
    })
      .setLogger(logger)
      .compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger,
    });
    // First of all, so it sees every answer as it leaves, whoever sends it.
    const recorder = new ResponseRecorder();
    app.use(recorder.middleware);
    if (options.middleware) app.use(options.middleware);
    configureApp(app);
    const { swaggerEnabled } = app.get(ConfigService).getOrThrow<AppConfig>('app');
    // A service that does not serve its document still has one: built as /docs-json would be.
    const unserved = swaggerEnabled ? undefined : createApiDocument(app);
    if (options.globalPrefix) app.setGlobalPrefix(options.globalPrefix);
    await app.init();
    const http = () => request(app.getHttpServer());
    try {
      const document = unserved ?? ((await http().get('/docs-json').expect(200)).body as object);
      // The document is built before the prefix is set, as in main.ts: its paths start after it.
      recorder.use(await ApiContract.of(document, `/${options.globalPrefix ?? ''}`));
    } catch (error) {
      await app.close();
      throw error;
    }
    return {
      app,
      http,
      dataSource: app.get(DataSource),
      logger,
      checkResponses: () => recorder.check(),
      close: async () => {
        await app.close();
        recorder.close();
      },
    };
  } finally {
    process.env = saved;
  }
}

/** What {@link useTestApp} gives a describe block; filled in before its first test. */
export interface TestContext {
  database: TestDatabase;
  smtp: SmtpTestServer;
  app: TestApp;
}

/**
 * Registers the hooks that give a describe block a fresh database of `kind`, a real SMTP server and
 * the app wired to both, and tear them down after its last test.
 */
export function useTestApp(kind: DatabaseKind, env?: Record<string, string>): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.database = await createTestDatabase(kind);
    context.smtp = await new SmtpTestServer().start();
    context.app = await createTestApp({ database: context.database, smtp: context.smtp, env });
  });
  afterAll(async () => {
    await context.app?.close();
    await context.smtp?.stop();
    await context.database?.drop();
  });
  return context;
}
