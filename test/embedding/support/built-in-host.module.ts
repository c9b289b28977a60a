import { DynamicModule, Module } from '@nestjs/common';
import { PasswordResetModule } from '../../../src';
import type { SmtpTestServer } from '../../support/smtp-test-server';
import type { TestDatabase } from '../../support/test-database';
import { testModuleOptions } from './module-options';
import { builtInHostImports } from './built-in-host-imports';

export const BUILT_IN_FRONTEND_URL = 'https://accounts.other-host.example';

/** A host without users of its own: the module's built-in users, register, login and /users/me. */
@Module({})
export class BuiltInUsersHostModule {
  static forRoot(database: TestDatabase, smtp: SmtpTestServer, jwtSecret: string): DynamicModule {
    return {
      module: BuiltInUsersHostModule,
      imports: [
        ...builtInHostImports(database, smtp),
        PasswordResetModule.forRoot(
          testModuleOptions({ frontendUrl: BUILT_IN_FRONTEND_URL, jwtSecret }),
        ),
      ],
    };
  }
}
