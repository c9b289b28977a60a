import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailerModule } from '@nestjs-modules/mailer';
import {
  PasswordResetModule,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../../../src';
import type { SmtpTestServer } from '../../../support/smtp-test-server';
import type { TestDatabase } from '../../../support/test-database';
import { hostConnection, hostMailer } from '../connection';
import { DataSourceTracker } from '../data-source-tracker';
import { testModuleOptions } from '../module-options';
import { Account } from './account.entity';
import { AccountsResetUsers } from './accounts-reset-users';
import { AccountsModule } from './accounts.module';
import { CreateAccounts1700000000000 } from './create-accounts.migration';
import { HostController } from './host.controller';
import { ResetEventsListener } from './reset-events.listener';

/** The host's own settings, under its own names; the module reads none of them itself. */
export interface HostEnvironment {
  HOST_FRONTEND_URL: string;
  HOST_RESET_PATH: string;
  HOST_FORGOT_PASSWORD_LIMIT?: string;
  HOST_FORGOT_PASSWORD_WINDOW_SECONDS?: string;
}

/** A requirement of the module that a careless host might leave out. */
export type HostOmission =
  'EventEmitterModule' | 'MailerModule' | 'passwordResetEntities' | 'passwordResetMigrations';

export interface HostSettings {
  database: TestDatabase;
  /** Where mail goes; without it, nodemailer's JSON transport. */
  smtp?: SmtpTestServer;
  env: HostEnvironment;
  /** Requirements to leave out, to see the module refuse to start without them. */
  omit?: HostOmission[];
  /** Opens the connection through this tracker (for hosts meant to fail at start-up). */
  dataSources?: DataSourceTracker;
}

/**
 * A host application with its own accounts, config, connection, mailer and routes, importing the
 * module exactly as the README's "Embed in your Nest app" example does.
 */
@Module({})
export class HostModule {
  static forRoot(settings: HostSettings): DynamicModule {
    const omit = new Set(settings.omit);
    return {
      module: HostModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ ...settings.env })],
        }),
        typeOrmRoot(settings, omit),
        ...(omit.has('EventEmitterModule') ? [] : [EventEmitterModule.forRoot()]),
        ...(omit.has('MailerModule') ? [] : [MailerModule.forRoot(hostMailer(settings.smtp))]),
        AccountsModule,
        PasswordResetModule.forRootAsync({
          imports: [AccountsModule],
          users: AccountsResetUsers,
          inject: [ConfigService],
          useFactory: (config: ConfigService) =>
            testModuleOptions({
              frontendUrl: config.getOrThrow<string>('HOST_FRONTEND_URL'),
              resetPath: config.getOrThrow<string>('HOST_RESET_PATH'),
              forgotPasswordPerIp: forgotPasswordLimit(config),
            }),
        }),
      ],
      controllers: [HostController],
      providers: [ResetEventsListener],
    };
  }
}

/** The host's own connection: its accounts beside everything the module needs. */
function typeOrmRoot(settings: HostSettings, omit: Set<HostOmission>): DynamicModule {
  const connection = hostConnection(settings.database, {
    entities: omit.has('passwordResetEntities') ? [Account] : [Account, ...passwordResetEntities],
    migrations: omit.has('passwordResetMigrations')
      ? [CreateAccounts1700000000000]
      : [CreateAccounts1700000000000, ...passwordResetMigrations],
  });
  return settings.dataSources
    ? settings.dataSources.typeOrmModule(connection)
    : TypeOrmModule.forRoot(connection);
}

function forgotPasswordLimit(
  config: ConfigService,
): { limit: number; windowSeconds: number } | undefined {
  const limit = config.get<string>('HOST_FORGOT_PASSWORD_LIMIT');
  if (limit === undefined) return undefined;
  return {
    limit: Number(limit),
    windowSeconds: Number(config.get<string>('HOST_FORGOT_PASSWORD_WINDOW_SECONDS') ?? '60'),
  };
}
