import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { PasswordResetService, PasswordResetUsers, ResetUser } from '../../../src';
import { EmailQueueProcessor } from '../../../src/email-queue/email-queue.processor';
import { EmailQueueService } from '../../../src/email-queue/email-queue.service';
import { QueuedEmail } from '../../../src/email-queue/queued-email.entity';
import { LoginLockoutService } from '../../../src/limits/per-address/login-lockout.service';
import { STRONG_PASSWORD } from '../../support/factories';
import { SmtpTestServer } from '../../support/smtp-test-server';
import { createTestDatabase, DatabaseKind, TestDatabase } from '../../support/test-database';
import { ModuleHost, startModuleHost } from './module-host';

/** An account as the host keeps it: the address exactly as its sign-up form received it. */
interface HostAccount {
  id: string;
  email: string;
  password: string;
  locale?: string | null;
  timeZone?: string | null;
}

/**
 * A host's users port over accounts kept in memory, written as hosts often write it: addresses stored
 * in the case they were typed, looked up case-insensitively, and the batch answer keyed by the stored
 * address. Tests can make its lookups throw (a users database that fails) or wait (a slow one).
 */
@Injectable()
export class InMemoryHostUsers extends PasswordResetUsers {
  private readonly accounts: HostAccount[] = [];
  /** Lower-cased addresses whose lookups throw, as a host's database might on one bad row. */
  readonly failingAddresses = new Set<string>();
  /** Every lookup throws: the host's users database is down. */
  failAll = false;
  /** The addresses of each batch lookup, in order. */
  readonly batchLookups: string[][] = [];
  private gate?: Promise<void>;

  /** Adds an account whose address is stored exactly as given, with its language and time zone if given. */
  add(
    storedEmail: string,
    password = STRONG_PASSWORD,
    profile: Pick<ResetUser, 'locale' | 'timeZone'> = {},
  ): ResetUser {
    const account: HostAccount = { id: randomUUID(), email: storedEmail, password, ...profile };
    this.accounts.push(account);
    return asResetUser(account);
  }

  /** The host deletes (or deactivates) the account its own way: `findById` no longer finds it. */
  remove(id: string): void {
    const index = this.accounts.findIndex((account) => account.id === id);
    if (index >= 0) this.accounts.splice(index, 1);
  }

  passwordOf(id: string): string | undefined {
    return this.accounts.find((account) => account.id === id)?.password;
  }

  /** Makes batch lookups wait (their rows stay claimed) until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  findByEmail(email: string): Promise<ResetUser | null> {
    this.failOn([email]);
    return Promise.resolve(this.find(email) ?? null);
  }

  async findByEmails(emails: string[]): Promise<Map<string, ResetUser>> {
    this.batchLookups.push(emails);
    await this.gate;
    this.failOn(emails);
    const found = new Map<string, ResetUser>();
    for (const email of emails) {
      const user = this.find(email);
      if (user) found.set(user.email, user);
    }
    return found;
  }

  findById(id: string): Promise<ResetUser | null> {
    const account = this.accounts.find((candidate) => candidate.id === id);
    return Promise.resolve(account ? asResetUser(account) : null);
  }

  setPassword(userId: string, newPassword: string): Promise<void> {
    const account = this.accounts.find((candidate) => candidate.id === userId);
    if (account) account.password = newPassword;
    return Promise.resolve();
  }

  private find(email: string): ResetUser | undefined {
    const account = this.accounts.find((candidate) => candidate.email.toLowerCase() === email);
    return account && asResetUser(account);
  }

  /** Throws as a database driver would, naming what it was asked for. */
  private failOn(emails: string[]): void {
    const failing = emails.filter((email) => this.failAll || this.failingAddresses.has(email));
    if (failing.length > 0) {
      throw new Error(`users database timed out looking up ${failing.join(', ')}`);
    }
  }
}

/** The account as the users port answers: no password; language and time zone only when stored. */
function asResetUser({ id, email, locale, timeZone }: HostAccount): ResetUser {
  return {
    id,
    email,
    ...(locale === undefined ? {} : { locale }),
    ...(timeZone === undefined ? {} : { timeZone }),
  };
}

/** What {@link useHostUsersApp} gives a describe block; filled in before its first test. */
export interface HostUsersContext {
  database: TestDatabase;
  smtp: SmtpTestServer;
  host: ModuleHost;
  users: InMemoryHostUsers;
  service: PasswordResetService;
  outbox: EmailQueueService;
  processor: EmailQueueProcessor;
  lockout: LoginLockoutService;
  queue: Repository<QueuedEmail>;
  dataSource: DataSource;
}

/** A fresh database of `kind`, a real SMTP server and the host wired to both, for a describe block. */
export function useHostUsersApp(
  kind: DatabaseKind,
  delivery = { maxAttempts: 2 },
): HostUsersContext {
  const context = {} as HostUsersContext;
  beforeAll(async () => {
    context.database = await createTestDatabase(kind);
    context.smtp = await new SmtpTestServer().start();
    context.host = await startModuleHost({
      database: context.database,
      smtp: context.smtp,
      users: InMemoryHostUsers,
      // No poll after start-up and no jitter: the tests run the queue themselves, so they know when
      // it ran, and every request is due by then.
      options: { appName: 'Host Identity', delivery: { pollIntervalSeconds: 3600, ...delivery } },
    });
    const { app } = context.host;
    context.users = app.get<PasswordResetUsers, InMemoryHostUsers>(PasswordResetUsers);
    context.service = app.get(PasswordResetService);
    context.outbox = app.get(EmailQueueService);
    context.processor = app.get(EmailQueueProcessor);
    context.lockout = app.get(LoginLockoutService);
    context.dataSource = context.host.dataSource;
    context.queue = context.dataSource.getRepository(QueuedEmail);
  });
  afterAll(async () => {
    await context.host?.close();
    await context.smtp?.stop();
    await context.database?.drop();
  });
  return context;
}
