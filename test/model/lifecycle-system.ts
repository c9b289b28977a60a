import { ModuleRef } from '@nestjs/core';
import type { Response } from 'supertest';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { LinkSender } from '../../src/app/cli/link-sender.service';
import { EmailQueueProcessor } from '../../src/email-queue/email-queue.processor';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { newEmail } from '../support/factories';
import { extractResetToken, ReceivedMail } from '../support/smtp-test-server';
import type { TestContext } from '../support/test-app';
import { Label } from './lifecycle-model';

export const RESET_SUBJECT = 'Test Product: reset your password';
export const NOTICE_SUBJECT = 'Test Product: your password was changed';
export const INVITE_SUBJECT = 'Test Product: set your password';
/** RESET_TOKEN_TTL_MINUTES, left at its default. */
export const RESET_TOKEN_TTL_MS = 60 * 60_000;
/** RESET_CODE_TTL_MINUTES, left at its default. */
export const RESET_CODE_TTL_MS = 10 * 60_000;
/** INVITE_TTL_HOURS, left at its default. */
export const INVITE_TTL_MS = 72 * 3_600_000;

/** The emails that carry a link: reset emails and invitations. */
export const LINK_SUBJECTS: readonly string[] = [RESET_SUBJECT, INVITE_SUBJECT];

/** Long enough for a send retried after a hiccup (MAIL_RETRY_BASE_SECONDS is 1 in tests). */
const SETTLE_TIMEOUT_MS = 5_000;
const SETTLE_POLL_MS = 5;

/**
 * The real system for one command sequence: the shared app, fresh addresses, and what the sequence
 * holds that only the service can give (account ids, access tokens, the links in the mailbox).
 */
export class LifecycleSystem {
  /** Commands run so far, as a script to print when one fails. */
  readonly trace: string[] = [];
  readonly address: Record<Label, string>;
  readonly userIds: Partial<Record<Label, string>> = {};
  readonly sessions: Record<Label, string[]> = { a: [], b: [], c: [], z: [] };
  /**
   * For each reset email the model expects, when it was asked for: its code cannot have been
   * issued earlier, so it cannot expire before then plus its lifetime.
   */
  readonly resetAskedAt: Record<Label, number[]> = { a: [], b: [], c: [], z: [] };

  constructor(private readonly ctx: TestContext) {
    // Fresh per sequence, so one sequence's accounts and mail never reach the next.
    this.address = { a: newEmail('a'), b: newEmail('b'), c: newEmail('c'), z: newEmail('z') };
  }

  http() {
    return this.ctx.app.http();
  }

  get isPostgres(): boolean {
    return this.ctx.database.kind === 'postgres';
  }

  mail(label: Label): ReceivedMail[] {
    return this.ctx.smtp.mailTo(this.address[label]);
  }

  /** The raw token of the `index`-th email with a link (reset or invitation), oldest first. */
  link(label: Label, index: number): string {
    const resets = this.mail(label).filter((mail) =>
      LINK_SUBJECTS.includes(mail.parsed.subject ?? ''),
    );
    const mail = resets[index];
    if (!mail) throw new Error(`No reset email #${index + 1} to ${label} (${resets.length} came)`);
    return extractResetToken(mail);
  }

  /**
   * The code of the `index`-th reset email, oldest first, as the email shows it (`1234 5678`, on a
   * line of its own); the HTML part must show the same.
   */
  code(label: Label, index: number): string {
    const resets = this.mail(label).filter((mail) => mail.parsed.subject === RESET_SUBJECT);
    const mail = resets[index];
    if (!mail) throw new Error(`No reset email #${index + 1} to ${label} (${resets.length} came)`);
    const shown = /^(\d{4} \d{4})$/m.exec(mail.parsed.text ?? '')?.[1];
    if (!shown) throw new Error(`Reset email #${index + 1} to ${label} shows no code`);
    if (!String(mail.parsed.html).includes(shown)) {
      throw new Error(`Reset email #${index + 1} to ${label}: the HTML part lacks ${shown}`);
    }
    return shown;
  }

  /**
   * Waits until the service has handled every email request it accepted. Each request is a row
   * before the answer goes out, and a row is settled only after the SMTP server took the message,
   * so once none is pending the mailbox is complete and its counts can be compared exactly: no
   * guessing how long to wait for mail that must not come.
   *
   * It does the poller's job rather than wait for its next tick: the listener that should send
   * right after the answer is registered for no event today (`@OnEvent([a, b])` subscribes to the
   * one namespaced event "a,b"), so without this every email would wait up to a poll interval.
   */
  async settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const rows: { n: number | string }[] = await this.ctx.app.dataSource.query(
        `SELECT COUNT(*) AS n FROM account_email_queue WHERE status IN ('pending', 'processing')`,
      );
      const pending = Number(rows[0].n);
      if (pending === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`${pending} email request(s) still queued after ${SETTLE_TIMEOUT_MS} ms`);
      }
      await this.processor.wake();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }

  private get processor(): EmailQueueProcessor {
    return this.ctx.app.app.get(EmailQueueProcessor);
  }

  /**
   * Moves the account's reset link past its expiry, and its code with it: a code never outlives its
   * link. Real time cannot be faked: the app's timers and poller run for real.
   */
  async expireLinks(label: Label): Promise<void> {
    await this.moveIntoPast(label, 'expiresAt');
    await this.moveIntoPast(label, 'codeExpiresAt');
  }

  /** Moves the account's code past its expiry (its lifetime is shorter than the link's). */
  async expireCode(label: Label): Promise<void> {
    await this.moveIntoPast(label, 'codeExpiresAt');
  }

  /**
   * Sets a date column of the account's reset token (where it has one) to just now. The date is
   * bound the way the column stores it (through its transformer), so the test never depends on
   * that storage format.
   */
  private async moveIntoPast(label: Label, property: 'expiresAt' | 'codeExpiresAt'): Promise<void> {
    const userId = this.userIds[label];
    if (!userId) throw new Error(`${label} has no account id`);
    const { dataSource } = this.ctx.app;
    const column = dataSource.getMetadata(PasswordResetToken).findColumnWithPropertyName(property)!;
    const past = dataSource.driver.preparePersistentValue(new Date(Date.now() - 1_000), column);
    const [at, user] = this.isPostgres ? ['$1', '$2'] : ['?', '?'];
    await dataSource.query(
      `UPDATE password_reset_tokens SET ${column.databaseName} = ${at} ` +
        `WHERE user_id = ${user} AND ${column.databaseName} IS NOT NULL`,
      [past, userId],
    );
  }

  /**
   * `npm run cli -- invite <address>`, in this process: the CLI's own code against the app's
   * database and SMTP server. Returns the account's id (a new one for an address without one).
   */
  async invite(label: Label): Promise<string> {
    const lines: string[] = [];
    await new LinkSender(this.ctx.app.app.get(ModuleRef)).send(
      this.address[label],
      'invite',
      (line) => lines.push(line),
    );
    expectThat(
      lines.at(-1) === `Queued an invitation for ${this.address[label]}… sent`,
      `invite(${label}): the CLI said ${JSON.stringify(lines)}`,
    );
    const account = await this.ctx.app.app
      .get(UserAccountsService, { strict: false })
      .findByEmail(this.address[label]);
    if (!account) throw new Error(`invite(${label}): no account after the invitation`);
    return account.id;
  }

  /** Reset tokens stored for the account, live or expired. */
  async storedTokens(label: Label): Promise<number> {
    const userId = this.userIds[label];
    if (!userId) return 0;
    const rows: { n: number | string }[] = await this.ctx.app.dataSource.query(
      `SELECT COUNT(*) AS n FROM password_reset_tokens WHERE user_id = ${this.isPostgres ? '$1' : '?'}`,
      [userId],
    );
    return Number(rows[0].n);
  }
}

/** Fails with what was expected and why, and what came back; `code` is the domain error's. */
export function expectStatus(
  response: Response,
  expected: number,
  what: string,
  code?: string,
): void {
  if (response.status !== expected || (code !== undefined && response.body.code !== code)) {
    throw new Error(
      `${what}: expected ${expected}${code ? ` ${code}` : ''}, ` +
        `got ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
}

export function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** A failure with the script that led to it, numbered, the failing step marked. */
export class ModelViolation extends Error {
  constructor(trace: readonly string[], cause: unknown) {
    const script = trace
      .map(
        (step, i) => `${i === trace.length - 1 ? '→' : ' '} ${String(i + 1).padStart(2)}. ${step}`,
      )
      .join('\n');
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`after this script:\n${script}\n${reason}`);
    this.name = 'ModelViolation';
  }
}
