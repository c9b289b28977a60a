import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserAccountsService } from '../../accounts/user-accounts.service';
import { normalizeEmail } from '../../common/email-address';
import { EmailQueueProcessor } from '../../email-queue/email-queue.processor';
import { EmailQueueService } from '../../email-queue/email-queue.service';
import { EmailStatus } from '../../email-queue/queued-email.entity';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { NO_PASSWORD_HASH } from '../../passwords/password-hasher.service';
import { HostLinkKind, PasswordResetService } from '../../reset/password-reset.service';

/** A refusal the operator can act on: printed as it is, and the command exits with 1. */
export class CliError extends Error {}

/** How often the queue is run, and the row read, while the command waits for its email. */
const POLL_MS = 200;

/**
 * Longest the command waits for its email. Past it (a mail server that keeps failing, the row held
 * by a running instance that stopped) the email stays queued for the service to send.
 */
const WAIT_MS = 5 * 60_000;

/** What the command did, line by line, for the operator. */
export type Say = (text: string) => void;

/**
 * What `send-link` and `invite` do: find (or, for an invitation, create) the built-in account,
 * queue its link through `PasswordResetService.sendResetLink`, then run the email queue in this
 * process until that email is sent or given up on. A running service may send it first; either way
 * the row says so. Never prints a link or a token: they exist only in the email.
 */
@Injectable()
export class LinkSender {
  constructor(private readonly moduleRef: ModuleRef) {}

  /** The module's own parts: the standalone service is their host, so it may reach them. */
  private part<T>(type: abstract new (...args: never[]) => T): T {
    return this.moduleRef.get(type, { strict: false });
  }

  async send(rawEmail: string, kind: HostLinkKind, say: Say): Promise<void> {
    const normalised = normalizeEmail(rawEmail);
    if (!normalised.ok)
      throw new CliError(`${rawEmail} is not an email address: ${normalised.reason}`);
    const { email } = normalised;
    const accounts = this.part(UserAccountsService);
    let account = await accounts.findByEmail(email);
    if (!account && kind === 'reset') {
      throw new CliError(
        `No account uses ${email}. To create one and invite its owner: npm run cli -- invite ${email}`,
      );
    }
    if (!account) {
      try {
        account = await accounts.create(email, NO_PASSWORD_HASH);
        say(
          `Created an account for ${email} without a password: it cannot log in until the invitation's link sets one.`,
        );
      } catch (error) {
        // Signed up (or invited) at the same moment: invite that account.
        if (!(
          error instanceof PasswordResetError && error.code === PasswordResetErrorCode.EmailTaken
        ))
          throw error;
        account = await accounts.findByEmail(email);
        if (!account) throw error;
      }
    }
    const what = kind === 'invite' ? 'an invitation' : 'a reset link';
    const { requestId, queued } = await this.part(PasswordResetService).sendResetLink(account.id, {
      kind,
    });
    if (!queued) {
      throw new CliError(
        `Not sent: ${email} has had as many emails as RESET_EMAIL_COOLDOWN_SECONDS and the RESET_EMAIL_DAILY_LIMIT variables allow for now. Try again later.`,
      );
    }
    say(`Queued ${what} for ${email}… ${await this.outcome(requestId)}`);
  }

  /** Runs the queue until the row is settled (or the wait is over) and says how it ended. */
  private async outcome(requestId: string): Promise<string> {
    const queue = this.part(EmailQueueService);
    const processor = this.part(EmailQueueProcessor);
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      await processor.wake();
      const row = await queue.find(requestId);
      if (!row) throw new CliError('the queued email is gone: was the queue purged?');
      switch (row.status) {
        case EmailStatus.Done:
          return 'sent';
        case EmailStatus.Failed:
          throw new CliError(`failed: ${row.lastError ?? 'no reason recorded'}`);
        case EmailStatus.Cancelled:
          return 'withdrawn: the password was set before it went out';
        case EmailStatus.Throttled:
          // Settled as throttled when recorded; sendResetLink said so already.
          throw new CliError('refused by the per-address caps');
        case EmailStatus.Pending:
        case EmailStatus.Processing:
          if (Date.now() >= deadline) {
            return `not sent yet${row.lastError ? ` (${row.lastError})` : ''}: it stays queued, and the service sends it`;
          }
          await sleep(POLL_MS);
      }
    }
  }
}
