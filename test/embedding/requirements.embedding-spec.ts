import { DynamicModule, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MailerModule } from '@nestjs-modules/mailer';
import {
  accountEntities,
  accountMigrations,
  PasswordResetModule,
  PasswordResetModuleOptions,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../src';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';
import { hostConnection, hostMailer } from './support/connection';
import { DataSourceTracker } from './support/data-source-tracker';
import { HostModule, HostOmission } from './support/host/host.module';
import { HOST_FRONTEND_URL, HOST_RESET_PATH } from './support/host/start-host';
import { testModuleOptions } from './support/module-options';
import { startApp } from './support/start-app';

/** A host with the built-in users whose reset module is imported as `resetModule` says. */
@Module({})
class BareHostModule {
  static forRoot(
    database: TestDatabase,
    dataSources: DataSourceTracker,
    resetModule: DynamicModule,
  ): DynamicModule {
    return {
      module: BareHostModule,
      imports: [
        dataSources.typeOrmModule(
          hostConnection(database, {
            entities: [...passwordResetEntities, ...accountEntities],
            migrations: [...passwordResetMigrations, ...accountMigrations],
          }),
        ),
        EventEmitterModule.forRoot(),
        MailerModule.forRoot(hostMailer()),
        resetModule,
      ],
    };
  }
}

/** Complete options (a JWT secret included, for the built-in users) but for `frontendUrl`. */
function optionsWithoutFrontendUrl(): PasswordResetModuleOptions {
  const options: Partial<PasswordResetModuleOptions> = testModuleOptions({
    frontendUrl: HOST_FRONTEND_URL,
    jwtSecret: randomBytes(32).toString('hex'),
  });
  delete options.frontendUrl;
  return options as PasswordResetModuleOptions;
}

/** Starts the host `build` makes (building it inside, so a throw while building rejects too). */
async function boot(build: () => DynamicModule): Promise<void> {
  const app = await startApp(build());
  await app.close();
}

// Storage does not matter for what a host forgot to import: SQLite is enough.
describe('A host missing something the module needs', () => {
  let database: TestDatabase;
  let dataSources: DataSourceTracker;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    dataSources = new DataSourceTracker();
  });

  afterEach(async () => {
    // A host that failed to start leaves its connection to us.
    await dataSources.closeAll();
    await database?.drop();
  });

  /** The host with its own users, less what `omit` names. */
  function hostWithout(...omit: HostOmission[]): () => DynamicModule {
    return () =>
      HostModule.forRoot({
        database,
        env: { HOST_FRONTEND_URL, HOST_RESET_PATH },
        omit,
        dataSources,
      });
  }

  it('should start when nothing is missing (so the refusals below are about what is)', async () => {
    await expect(boot(hostWithout())).resolves.toBeUndefined();
  });

  it('should refuse to start without EventEmitterModule.forRoot(), and say to add it', async () => {
    await expect(boot(hostWithout('EventEmitterModule'))).rejects.toThrow(/EventEmitterModule/);
  });

  it('should refuse to start with neither a mailer nor a MailerModule, naming both ways', async () => {
    const refusal = boot(hostWithout('MailerModule'));
    await expect(refusal).rejects.toThrow(/`mailer`.*PasswordResetMailer/);
    await expect(refusal).rejects.toThrow(/MailerModule\.forRoot.*@nestjs-modules\/mailer/);
  });

  it('should refuse to start on a connection without passwordResetEntities, and name them', async () => {
    await expect(boot(hostWithout('passwordResetEntities'))).rejects.toThrow(
      /passwordResetEntities/,
    );
  });

  // Each database reports a missing table its own way.
  it.each(databaseKinds())(
    'should refuse to start when the tables of passwordResetMigrations are missing, and name them (%s)',
    async (kind) => {
      await database.drop();
      database = await createTestDatabase(kind);
      // Before, it started, then answered forgot-password with a 500 and logged an error every poll.
      await expect(boot(hostWithout('passwordResetMigrations'))).rejects.toThrow(
        /the tables .*password_reset_tokens.* do not exist: run passwordResetMigrations/,
      );
    },
  );

  it('should refuse forRoot options without frontendUrl, and name it', async () => {
    await expect(
      boot(() =>
        BareHostModule.forRoot(
          database,
          dataSources,
          PasswordResetModule.forRoot(optionsWithoutFrontendUrl()),
        ),
      ),
    ).rejects.toThrow(/frontendUrl/);
  });

  it('should refuse forRootAsync options without frontendUrl, and name it', async () => {
    await expect(
      boot(() =>
        BareHostModule.forRoot(
          database,
          dataSources,
          PasswordResetModule.forRootAsync({ useFactory: optionsWithoutFrontendUrl }),
        ),
      ),
    ).rejects.toThrow(/frontendUrl/);
  });
});
