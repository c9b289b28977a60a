import { DataSource, Repository } from 'typeorm';
import { SmtpTestServer } from '../../../support/smtp-test-server';
import { createTestDatabase, DatabaseKind, TestDatabase } from '../../../support/test-database';
import { RunningApp, startApp } from '../start-app';
import { Account } from './account.entity';
import { AccountsService } from './accounts.service';
import { HostEnvironment, HostModule } from './host.module';
import { ResetEventsListener } from './reset-events.listener';
import { ResetUsersProbe } from './reset-users.probe';

/** The host's global prefix: every route, the module's included, lives under it. */
export const HOST_PREFIX = '/api/identity';
export const HOST_FRONTEND_URL = 'https://identity.host.example';
export const HOST_RESET_PATH = '/account/reset';

/** What a describe block gets from {@link useHost}; filled in before its first test. */
export interface HostContext {
  database: TestDatabase;
  smtp: SmtpTestServer;
  host: RunningApp;
  accounts: AccountsService;
  accountRepository: Repository<Account>;
  probe: ResetUsersProbe;
  listener: ResetEventsListener;
}

/**
 * Gives a describe block a fresh database of `kind`, a real SMTP server and the host app wired to
 * both (global prefix `api/identity`), and tears them down after its last test.
 */
export function useHost(kind: DatabaseKind, env: Partial<HostEnvironment> = {}): HostContext {
  const context = {} as HostContext;
  beforeAll(async () => {
    context.database = await createTestDatabase(kind);
    context.smtp = await new SmtpTestServer().start();
    context.host = await startApp(
      HostModule.forRoot({
        database: context.database,
        smtp: context.smtp,
        env: { HOST_FRONTEND_URL, HOST_RESET_PATH, ...env },
      }),
      { globalPrefix: HOST_PREFIX },
    );
    const { app } = context.host;
    context.accounts = app.get(AccountsService);
    context.accountRepository = app.get(DataSource).getRepository(Account);
    context.probe = app.get(ResetUsersProbe);
    context.listener = app.get(ResetEventsListener);
  });
  afterAll(async () => {
    await context.host?.close();
    await context.smtp?.stop();
    await context.database?.drop();
  });
  return context;
}
