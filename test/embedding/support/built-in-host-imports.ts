import type { DynamicModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailerModule } from '@nestjs-modules/mailer';
import {
  accountEntities,
  accountMigrations,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../../src';
import type { SmtpTestServer } from '../../support/smtp-test-server';
import type { TestDatabase } from '../../support/test-database';
import { hostConnection, hostMailer } from './connection';

/**
 * What a host of the built-in accounts imports beside the module, as the README shows it: its own
 * connection holding the module's tables, an event bus and `MailerModule` (to `smtp`, or nodemailer's
 * JSON transport).
 */
export function builtInHostImports(database: TestDatabase, smtp?: SmtpTestServer): DynamicModule[] {
  return [
    TypeOrmModule.forRoot(
      hostConnection(database, {
        entities: [...passwordResetEntities, ...accountEntities],
        migrations: [...passwordResetMigrations, ...accountMigrations],
      }),
    ),
    EventEmitterModule.forRoot(),
    MailerModule.forRoot(hostMailer(smtp)),
  ];
}
