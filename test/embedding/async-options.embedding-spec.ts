import { DynamicModule, Injectable, Module, Provider } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import {
  accountEntities,
  accountMigrations,
  PasswordResetMail,
  PasswordResetMailer,
  PasswordResetModule,
  PasswordResetModuleAsyncOptions,
  PasswordResetModuleOptions,
  PasswordResetOptionsFactory,
  PasswordResetService,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../src';
import { newEmail, STRONG_PASSWORD } from '../support/factories';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { hostConnection } from './support/connection';
import { DataSourceTracker } from './support/data-source-tracker';
import { eventually } from './support/eventually';
import { testModuleOptions } from './support/module-options';
import { RunningApp, startApp } from './support/start-app';

const FACTORY_FRONTEND_URL = 'https://options-factory.host.example';
const JWT_SECRET = randomBytes(32).toString('hex');

/** The host's own mailer: it keeps what it is given (these tests read the reset link there). */
@Injectable()
class KeepingMailer extends PasswordResetMailer {
  static readonly kept: PasswordResetMail[] = [];

  send(mail: PasswordResetMail): Promise<void> {
    KeepingMailer.kept.push(mail);
    return Promise.resolve();
  }
}

/** The host's options factory, the way Nest's own modules take one. */
@Injectable()
class HostResetOptions implements PasswordResetOptionsFactory {
  calls = 0;

  createPasswordResetOptions(): PasswordResetModuleOptions {
    this.calls++;
    return testModuleOptions({ frontendUrl: FACTORY_FRONTEND_URL, jwtSecret: JWT_SECRET });
  }
}

/** The host's configuration module, which provides and exports its options factory. */
@Module({ providers: [HostResetOptions], exports: [HostResetOptions] })
class HostConfigModule {}

/** A feature of the host that uses the module's service without importing the module. */
@Injectable()
class SupportDesk {
  constructor(readonly resets: PasswordResetService) {}
}

@Module({ providers: [SupportDesk], exports: [SupportDesk] })
class SupportDeskModule {}

@Module({})
class AsyncOptionsHostModule {}

/** A host with the built-in users and its own mailer, the module imported as `options` say. */
function host(
  database: TestDatabase,
  options: PasswordResetModuleAsyncOptions,
  extra: { imports?: DynamicModule['imports']; providers?: Provider[] } = {},
  dataSources?: DataSourceTracker,
): DynamicModule {
  const connection = hostConnection(database, {
    entities: [...passwordResetEntities, ...accountEntities],
    migrations: [...passwordResetMigrations, ...accountMigrations],
  });
  return {
    module: AsyncOptionsHostModule,
    imports: [
      dataSources ? dataSources.typeOrmModule(connection) : TypeOrmModule.forRoot(connection),
      EventEmitterModule.forRoot(),
      PasswordResetModule.forRootAsync({ mailer: KeepingMailer, ...options }),
      ...(extra.imports ?? []),
    ],
    providers: extra.providers ?? [],
  };
}

/** Registers an account and asks for its reset; resolves with the link the mailer was given. */
async function resetLinkFor(app: RunningApp): Promise<string> {
  const email = newEmail('async-options');
  await app.http().post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);
  await app.http().post('/auth/forgot-password').send({ email }).expect(202);
  const mail = await eventually(() => {
    const found = KeepingMailer.kept.find((kept) => kept.to === email);
    expect(found).toBeDefined();
    return found!;
  });
  return /https?:\/\/\S+#token=[\w-]+/.exec(mail.text)![0];
}

// What is under test is how the module is registered, not storage: SQLite is enough.
describe('PasswordResetModule.forRootAsync, as Nest modules take options', () => {
  let database: TestDatabase;
  let app: RunningApp | undefined;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await database.drop();
  });

  it('should take its options from a class of the host (useClass), calling createPasswordResetOptions', async () => {
    app = await startApp(host(database, { useClass: HostResetOptions }));

    expect(await resetLinkFor(app)).toMatch(
      `${FACTORY_FRONTEND_URL}/reset-password?lang=en#token=`,
    );
  });

  it("should take its options from the host's own instance (useExisting), made once", async () => {
    app = await startApp(
      host(database, { imports: [HostConfigModule], useExisting: HostResetOptions }),
    );

    expect(await resetLinkFor(app)).toMatch(
      `${FACTORY_FRONTEND_URL}/reset-password?lang=en#token=`,
    );
    // The factory the module used is the one the host's config module holds, not a copy.
    expect(app.app.get(HostResetOptions).calls).toBe(1);
  });

  it('should let any module of the host inject PasswordResetService when isGlobal', async () => {
    app = await startApp(
      host(
        database,
        { isGlobal: true, useClass: HostResetOptions },
        { imports: [SupportDeskModule] },
      ),
    );

    const desk = app.app.get(SupportDesk);
    expect(desk.resets).toBeInstanceOf(PasswordResetService);
    // The service works from there: a reset asked for by the host's own feature goes out.
    const email = newEmail('support-desk');
    await app.http().post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);
    await desk.resets.requestReset(email);
    await eventually(() => expect(KeepingMailer.kept.map((mail) => mail.to)).toContain(email));
  });

  it('should keep PasswordResetService to the modules that import it without isGlobal', async () => {
    const dataSources = new DataSourceTracker();
    try {
      await expect(
        startApp(
          host(
            database,
            { useClass: HostResetOptions },
            { imports: [SupportDeskModule] },
            dataSources,
          ),
        ),
      ).rejects.toThrow(/PasswordResetService/);
    } finally {
      await dataSources.closeAll();
    }
  });
});
