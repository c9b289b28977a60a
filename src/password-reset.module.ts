import {
  ConfigurableModuleAsyncOptions,
  ConfigurableModuleBuilder,
  DynamicModule,
  Inject,
  MiddlewareConsumer,
  Module,
  NestModule,
  Provider,
  RequestMethod,
  Type,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { RouteInfo } from '@nestjs/common/interfaces';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { JwtService } from '@nestjs/jwt';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { AccessTokenGuard } from './accounts/access-tokens/access-token.guard';
import {
  AccessTokenService,
  createJwtService,
} from './accounts/access-tokens/access-token.service';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { BuiltInResetUsers } from './accounts/built-in-reset-users';
import { MeController } from './accounts/me.controller';
import { UserAccountsService } from './accounts/user-accounts.service';
import { SignUpAttempts } from './accounts/sign-up-attempts.service';
import { UnitOfWork } from './database/unit-of-work';
import { EmailQueueListener } from './email-queue/email-queue.listener';
import { EmailQueuePoller } from './email-queue/email-queue.poller';
import { EmailQueueProcessor } from './email-queue/email-queue.processor';
import { EmailQueueService } from './email-queue/email-queue.service';
import { PasswordResetErrorFilter } from './errors/password-reset-error.filter';
import { withOwnErrorAnswers } from './errors/own-error-answers';
import { PasswordResetEventsPublisher } from './events/password-reset-events.publisher';
import { PurgeTask } from './housekeeping/purge.task';
import { tagControllers } from './http/api-tag';
import { underRouterModulePath } from './http/router-module-path';
import { corsMiddleware, preflightRoutes } from './http/cors.middleware';
import { jsonBodiesOnly } from './http/json-bodies-only.middleware';
import { noStore } from './http/no-store.middleware';
import { AddressKeys } from './limits/per-address/address-keys';
import { EmailCooldownService } from './limits/per-address/email-cooldown.service';
import { LoginLockoutService } from './limits/per-address/login-lockout.service';
import { ResetCodeLockoutService } from './limits/per-address/reset-code-lockout.service';
import { PerIpLimitGuard } from './limits/per-ip/per-ip-limit.guard';
import { ResilientThrottlerStorage } from './limits/per-ip/resilient-throttler-storage';
import { MailService } from './mail/mail.service';
import { mailerProviders } from './mail/mailer.providers';
import { PasswordResetMailer } from './mail/password-reset-mailer';
import {
  EVENT_BUS,
  PASSWORD_RESET_OPTIONS,
  PASSWORD_RESET_SETTINGS,
  PER_IP_STORAGE,
} from './password-reset.constants';
import { PasswordResetHealth } from './password-reset.health';
import { SchemaCheck } from './password-reset.schema-check';
import {
  PasswordResetModuleOptions,
  PasswordResetSettings,
  resolvePasswordResetOptions,
} from './password-reset.options';
import { PasswordChanger } from './passwords/password-changer.service';
import { PasswordHasher } from './passwords/password-hasher.service';
import { PasswordPolicy } from './passwords/password-policy.service';
import { BreachedPasswordChecker } from './passwords/breached/breached-password-checker';
import { PasswordStrengthPool } from './passwords/strength/password-strength.pool';
import { PasswordResetController } from './reset/password-reset.controller';
import { PasswordResetService } from './reset/password-reset.service';
import { ResetCodesService } from './reset/reset-codes.service';
import { ResetLinks } from './reset/reset-links';
import { resetPageRoutes } from './reset-page/reset-page.routes';
import { passwordResetEntities } from './schema';
import { ResetTokensService } from './tokens/reset-tokens.service';
import { PasswordResetUsers } from './users/password-reset-users';

/** What `forRoot`/`forRootAsync` take besides the options. */
interface PasswordResetExtras {
  /** The host's users (a class extending `PasswordResetUsers`); omit it for the built-in accounts. */
  users?: Type<PasswordResetUsers>;
  /**
   * The host's mailer (a class extending `PasswordResetMailer`); omit it to send through the host's
   * `MailerModule` (`@nestjs-modules/mailer`).
   */
  mailer?: Type<PasswordResetMailer>;
  /** Register the module globally, so any module of the host can inject `PasswordResetService`. */
  isGlobal?: boolean;
}

/** What `forRootAsync` takes: the options by `useFactory`, `useClass` or `useExisting`, and the extras. */
export interface PasswordResetModuleAsyncOptions
  extends
    ConfigurableModuleAsyncOptions<PasswordResetModuleOptions, 'createPasswordResetOptions'>,
    PasswordResetExtras {}

/** A class that makes the module's options, for `forRootAsync({ useClass })` or `useExisting`. */
export interface PasswordResetOptionsFactory {
  createPasswordResetOptions(): PasswordResetModuleOptions | Promise<PasswordResetModuleOptions>;
}

/** A host module the module cannot work without, and what to add when it is missing. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null) {
    throw new Error(`PasswordResetModule needs ${what} in the host application`);
  }
  return value;
}

/**
 * The controllers a host gets: the module's middleware covers exactly these, and nothing else. The
 * OpenAPI document, and so Swagger UI, lists their routes in this order: sign-up and login first.
 */
function mountedControllers(builtInUsers: boolean): Type[] {
  return builtInUsers
    ? [AccountsController, MeController, PasswordResetController]
    : [PasswordResetController];
}

/** The parts every host gets, with its users or the built-in ones. */
const CORE_PROVIDERS: Provider[] = [
  {
    provide: UnitOfWork,
    inject: [{ token: DataSource, optional: true }],
    useFactory: (dataSource?: DataSource) => {
      const connection = required(
        dataSource,
        'a TypeORM connection: import TypeOrmModule.forRoot({ entities: [...passwordResetEntities], migrations: [...passwordResetMigrations] })',
      );
      const missing = passwordResetEntities.filter((entity) => !connection.hasMetadata(entity));
      if (missing.length > 0) {
        throw new Error(
          `PasswordResetModule needs its entities on the host's TypeORM connection: add ...passwordResetEntities to its entities (missing ${missing.map((entity) => entity.name).join(', ')})`,
        );
      }
      return new UnitOfWork(connection);
    },
  },
  {
    provide: EVENT_BUS,
    inject: [{ token: EventEmitter2, optional: true }],
    useFactory: (bus?: EventEmitter2) =>
      required(bus, 'an event bus: import EventEmitterModule.forRoot() from @nestjs/event-emitter'),
  },
  {
    provide: PER_IP_STORAGE,
    inject: [PASSWORD_RESET_SETTINGS],
    useFactory: (settings: PasswordResetSettings) =>
      settings.limits.storage ??
      (settings.limits.redisUrl
        ? ResilientThrottlerStorage.connect(settings.limits.redisUrl)
        : new ThrottlerStorageService()),
  },
  SchemaCheck,
  PasswordResetEventsPublisher,
  ResetTokensService,
  ResetLinks,
  EmailQueueService,
  EmailQueueProcessor,
  EmailQueueListener,
  EmailQueuePoller,
  PurgeTask,
  MailService,
  PasswordHasher,
  PasswordStrengthPool,
  BreachedPasswordChecker,
  PasswordPolicy,
  PasswordChanger,
  PasswordResetService,
  ResetCodesService,
  PasswordResetHealth,
  AddressKeys,
  EmailCooldownService,
  LoginLockoutService,
  ResetCodeLockoutService,
  PerIpLimitGuard,
  PasswordResetErrorFilter,
];

/** The built-in accounts: their table, sign-up, sign-in, access tokens and `users/me`. */
const BUILT_IN_ACCOUNT_PROVIDERS: Provider[] = [
  UserAccountsService,
  AccountsService,
  SignUpAttempts,
  AccessTokenService,
  AccessTokenGuard,
  { provide: JwtService, inject: [PASSWORD_RESET_SETTINGS], useFactory: createJwtService },
  { provide: PasswordResetUsers, useClass: BuiltInResetUsers },
];

const DEFAULT_EXTRAS: PasswordResetExtras = {
  users: undefined,
  mailer: undefined,
  isGlobal: false,
};

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<PasswordResetModuleOptions>({
  optionsInjectionToken: PASSWORD_RESET_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createPasswordResetOptions')
  .setExtras(DEFAULT_EXTRAS, (definition, { users, mailer, isGlobal }): DynamicModule => {
    const builtIn = users === undefined;
    return {
      ...definition,
      global: isGlobal,
      controllers: mountedControllers(builtIn),
      providers: [
        ...(definition.providers ?? []),
        {
          provide: PASSWORD_RESET_SETTINGS,
          inject: [PASSWORD_RESET_OPTIONS],
          useFactory: (options: PasswordResetModuleOptions) => {
            const settings = resolvePasswordResetOptions(options, builtIn);
            // Here, not in onModuleInit: a host builds its OpenAPI document after NestFactory.create,
            // which makes every provider (this one too) but runs no lifecycle hook before init.
            tagControllers(mountedControllers(builtIn), settings.apiTag);
            return settings;
          },
        },
        ...CORE_PROVIDERS,
        ...mailerProviders(mailer),
        ...(builtIn
          ? BUILT_IN_ACCOUNT_PROVIDERS
          : [{ provide: PasswordResetUsers, useClass: users }]),
      ],
      exports: [PasswordResetService, ResetCodesService, PasswordResetHealth],
    };
  })
  .build();

/**
 * Secure account recovery for a Nest application: `forgot-password`, the reset email and
 * `reset-password`, with durable delivery, limits and events; with no `users`, also built-in accounts
 * (register, login, change-password, `users/me`). It uses the host's TypeORM connection,
 * `EventEmitterModule` and mailer (its own `PasswordResetMailer`, or `MailerModule`), and needs
 * nothing global: its controllers carry their own validation, error mapping and per-IP limits. Mount
 * its routes under any prefix.
 */
@Module({})
export class PasswordResetModule extends ConfigurableModuleClass implements NestModule {
  constructor(
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
    private readonly modules: ModulesContainer,
  ) {
    super();
  }

  /** `forRoot` and `forRootAsync` come from the builder; this adds the module's own middleware. */
  configure(consumer: MiddlewareConsumer): void {
    // Only the routes this host has: with its own users, its /auth/login is its own business.
    const controllers = mountedControllers(this.settings.builtInUsers);
    // No caching, CORS, then JSON only (a form post from another site is a 415): in that order, so
    // the 415 is no-store and readable by an allowed origin too, and in the module's own shape
    // whatever global filter the host has.
    const cors = this.settings.cors ? [corsMiddleware(this.settings.cors.origins)] : [];
    consumer.apply(noStore, ...cors, withOwnErrorAnswers(jsonBodiesOnly)).forRoutes(...controllers);
    // A browser's preflight is an OPTIONS the routes do not have: the CORS middleware answers it.
    if (cors.length > 0) {
      consumer
        .apply(noStore, ...cors)
        .forRoutes(...this.underOwnPath(preflightRoutes(controllers)));
    }
    // The reference page's path is an option, known only once the (async) options are resolved, so
    // it cannot be a decorated controller; middleware that answers is mounted under the host's
    // global prefix and RouterModule path like the controllers, and stays out of the OpenAPI document.
    if (this.settings.resetPage) {
      for (const { path, handler } of resetPageRoutes(this.settings)) {
        consumer
          .apply(handler)
          .forRoutes(...this.underOwnPath([{ path, method: RequestMethod.GET }]));
      }
    }
  }

  /** Routes bound by path, under the host's `RouterModule` path for the module, if it has one. */
  private underOwnPath(routes: RouteInfo[]): RouteInfo[] {
    return underRouterModulePath(this.modules, PasswordResetModule, routes);
  }
}
