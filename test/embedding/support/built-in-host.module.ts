import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailerModule } from '@nestjs-modules/mailer';
import {
  accountEntities,
  accountMigrations,
  PasswordResetModule,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../../src';
import type { SmtpTestServer } from '../../support/smtp-test-server';
import type { TestDatabase } from '../../support/test-database';
import { hostConnection, hostMailer } from './connection';
import { testModuleOptions } from './module-options';

export const BUILT_IN_FRONTEND_URL = 'https://accounts.other-host.example';

/** A host without users of its own: the module's built-in users, register, login and /users/me. */
@Module({})
export class BuiltInUsersHostModule {
  static forRoot(database: TestDatabase, smtp: SmtpTestServer, jwtSecret: string): DynamicModule {
    return {
      module: BuiltInUsersHostModule,
      imports: [
        TypeOrmModule.forRoot(
          hostConnection(database, {
            entities: [...passwordResetEntities, ...accountEntities],
            migrations: [...passwordResetMigrations, ...accountMigrations],
          }),
        ),
        EventEmitterModule.forRoot(),
        MailerModule.forRoot(hostMailer(smtp)),
        PasswordResetModule.forRoot(
          testModuleOptions({ frontendUrl: BUILT_IN_FRONTEND_URL, jwtSecret }),
        ),
      ],
    };
  }
}
