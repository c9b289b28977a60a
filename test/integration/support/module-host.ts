import { DynamicModule, Module, Type } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailerModule } from '@nestjs-modules/mailer';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  accountEntities,
  accountMigrations,
  PasswordResetModule,
  PasswordResetModuleOptions,
  passwordResetEntities,
  passwordResetMigrations,
  PasswordResetUsers,
} from '../../../src';
import { hostConnection, hostMailer } from '../../embedding/support/connection';
import { RunningApp, startApp } from '../../embedding/support/start-app';
import { SmtpTestServer } from '../../support/smtp-test-server';
import { createTestDatabase, DatabaseKind, TestDatabase } from '../../support/test-database';

/**
 * Every host of the integration tests is built here, one way, as `@nestjs/terminus` builds the hosts
 * of its own tests (`e2e/helper/bootstrap-testing-module.ts`): the host's connection, event bus and
 * mailer, and `PasswordResetModule` configured through its options. Environment variables are the
 * standalone service's, and its e2e tests' (`test/e2e`).
 */

export const FRONTEND_URL = 'https://app.test.example';

/** Generous enough that only a test about a per-IP limit meets one. */
const GENEROUS_PER_IP_LIMIT = { limit: 10_000, windowSeconds: 900 };

/** Options of one test over {@link integrationOptions}; nested objects are merged into those. */
export type OptionOverrides = {
  [K in keyof PasswordResetModuleOptions]?: PasswordResetModuleOptions[K] extends object | undefined
    ? Partial<NonNullable<PasswordResetModuleOptions[K]>>
    : PasswordResetModuleOptions[K];
};

/**
 * What every test starts from: cheap argon2, and the limits, cooldowns and delivery timing that get in
 * the way of tests about other things turned off or made quick; the tests about those set their own.
 */
export function integrationOptions(): PasswordResetModuleOptions {
  return {
    frontendUrl: FRONTEND_URL,
    appName: 'Test Product',
    argon2: { memoryCost: 1024, timeCost: 2, parallelism: 1 },
    jwt: { secret: randomBytes(32).toString('hex') },
    limits: {
      perIp: {
        forgotPassword: GENEROUS_PER_IP_LIMIT,
        resetPassword: GENEROUS_PER_IP_LIMIT,
        login: GENEROUS_PER_IP_LIMIT,
        register: GENEROUS_PER_IP_LIMIT,
        changePassword: GENEROUS_PER_IP_LIMIT,
      },
      resetEmailCooldownSeconds: 0,
      resetEmailDailyLimit: 0,
      resetEmailDailyLimitPerAddress: 0,
    },
    delivery: { pollIntervalSeconds: 1, retryBaseSeconds: 1, resetJitterMs: 0 },
  };
}

/** {@link integrationOptions} with a test's own: one level deep, the depth the options have. */
function withOverrides(overrides: OptionOverrides): PasswordResetModuleOptions {
  const options: Record<string, unknown> = { ...integrationOptions() };
  for (const [name, value] of Object.entries(overrides)) {
    const base = options[name];
    options[name] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return options as unknown as PasswordResetModuleOptions;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ModuleHostOptions {
  database: TestDatabase;
  /** Where mail goes; without it, nodemailer's JSON transport (nothing leaves the process). */
  smtp?: SmtpTestServer;
  /** The host's own users; without them, the module's built-in accounts, with their tables. */
  users?: Type<PasswordResetUsers>;
  /** The module's options over {@link integrationOptions}. */
  options?: OptionOverrides;
}

/** A host of the module, listening on 127.0.0.1, with its connection at hand. */
export interface ModuleHost extends RunningApp {
  dataSource: DataSource;
}

@Module({})
class IntegrationHostModule {
  static forRoot({ database, smtp, users, options = {} }: ModuleHostOptions): DynamicModule {
    const builtIn = users === undefined;
    return {
      module: IntegrationHostModule,
      imports: [
        TypeOrmModule.forRoot(
          hostConnection(database, {
            entities: [...passwordResetEntities, ...(builtIn ? accountEntities : [])],
            migrations: [...passwordResetMigrations, ...(builtIn ? accountMigrations : [])],
          }),
        ),
        EventEmitterModule.forRoot(),
        MailerModule.forRoot(hostMailer(smtp)),
        PasswordResetModule.forRoot({ ...withOverrides(options), ...(builtIn ? {} : { users }) }),
      ],
    };
  }
}

/** Boots a host of the module on `database`, configured through the module's options. */
export async function startModuleHost(input: ModuleHostOptions): Promise<ModuleHost> {
  const host = await startApp(IntegrationHostModule.forRoot(input));
  return { ...host, dataSource: host.app.get(DataSource) };
}

/** What {@link useModuleHost} gives a describe block; filled in before its first test. */
export interface ModuleHostContext {
  database: TestDatabase;
  smtp: SmtpTestServer;
  host: ModuleHost;
}

/**
 * Registers the hooks that give a describe block a fresh database of `kind`, a real SMTP server and a
 * host wired to both, and tear them down after its last test.
 */
export function useModuleHost(
  kind: DatabaseKind,
  setup: Pick<ModuleHostOptions, 'users' | 'options'> = {},
): ModuleHostContext {
  const context = {} as ModuleHostContext;
  beforeAll(async () => {
    context.database = await createTestDatabase(kind);
    context.smtp = await new SmtpTestServer().start();
    context.host = await startModuleHost({
      ...setup,
      database: context.database,
      smtp: context.smtp,
    });
  });
  afterAll(async () => {
    await context.host?.close();
    await context.smtp?.stop();
    await context.database?.drop();
  });
  return context;
}
