import {
  DynamicModule,
  Module,
  UnprocessableEntityException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { APP_PIPE, RouterModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  PasswordResetModule,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../../../src';
import type { SmtpTestServer } from '../../../support/smtp-test-server';
import type { TestDatabase } from '../../../support/test-database';
import { hostConnection } from '../connection';
import { testModuleOptions } from '../module-options';
import { CreateMembers1700000000001 } from './create-members.migration';
import { Member } from './member.entity';
import { MembersResetUsers } from './members-reset-users';
import { MembersService } from './members.service';
import { MonolithAuthController } from './monolith-auth.controller';
import { MonolithMailService } from './monolith-mail.service';
import { MonolithPasswordResetMailer } from './monolith-password-reset-mailer';
import { SupportDeskController } from './support-desk.controller';

export const MONOLITH_FRONTEND_URL = 'https://monolith.example';

/** The monolith's error shape for invalid bodies: 422 with its own fields. */
export function monolithValidationError(errors: ValidationError[]): UnprocessableEntityException {
  return new UnprocessableEntityException({
    status: 422,
    errors: Object.fromEntries(
      errors.map((error) => [error.property, Object.values(error.constraints ?? {}).join(', ')]),
    ),
  });
}

@Module({})
class MembersModule {
  static forRoot(smtp: SmtpTestServer): DynamicModule {
    return {
      module: MembersModule,
      // Like the boilerplate's shared modules: its features inject these without importing them.
      global: true,
      imports: [TypeOrmModule.forFeature([Member])],
      providers: [
        MembersService,
        { provide: MonolithMailService, useFactory: () => new MonolithMailService(smtp) },
      ],
      // The users and mailer classes given to the module are built inside it, from these.
      exports: [TypeOrmModule, MembersService, MonolithMailService],
    };
  }
}

/** The monolith's own auth routes, mounted under v1 like the module's. */
@Module({ controllers: [MonolithAuthController] })
class MonolithAuthModule {}

/** A feature of the monolith that uses the module's service without importing the module. */
@Module({ controllers: [SupportDeskController] })
class SupportDeskModule {}

/**
 * A host shaped like the widely used boilerplate the module was tried in: PostgreSQL, a global
 * `ValidationPipe` that answers 422 and forbids unknown properties, its own login, `users/me` and
 * mailer, every feature under `v1` with `RouterModule`, and the module registered `isGlobal`.
 */
@Module({})
export class MonolithModule {
  static forRoot(database: TestDatabase, smtp: SmtpTestServer): DynamicModule {
    const members = MembersModule.forRoot(smtp);
    return {
      module: MonolithModule,
      imports: [
        TypeOrmModule.forRoot(
          hostConnection(database, {
            entities: [Member, ...passwordResetEntities],
            migrations: [CreateMembers1700000000001, ...passwordResetMigrations],
          }),
        ),
        EventEmitterModule.forRoot(),
        members,
        MonolithAuthModule,
        SupportDeskModule,
        PasswordResetModule.forRootAsync({
          isGlobal: true,
          imports: [members],
          users: MembersResetUsers,
          mailer: MonolithPasswordResetMailer,
          useFactory: () => testModuleOptions({ frontendUrl: MONOLITH_FRONTEND_URL }),
        }),
        RouterModule.register([
          { path: 'v1', module: PasswordResetModule },
          { path: 'v1', module: MonolithAuthModule },
          { path: 'v1', module: SupportDeskModule },
        ]),
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: monolithValidationError,
          }),
        },
      ],
    };
  }
}
