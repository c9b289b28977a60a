import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConcurrencyLimit } from '../common/concurrency-limit';
import { describeError } from '../common/describe-error';
import { emailKey } from '../common/email-address';
import { MailService } from '../mail/mail.service';
import { ClaimedEmail, EmailQueueService, storableError } from './email-queue.service';
import { EmailKind } from './queued-email.entity';
import { ResetTokensService } from '../tokens/reset-tokens.service';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { ResetLinks } from '../reset/reset-links';
import { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import { retryDelayMs } from './retry-policy';

/** A row taken for sending, with its message ready to go. */
interface PreparedEmail {
  request: ClaimedEmail;
  /** For the log: what was sent, never to whom. */
  describe: string;
  send: () => Promise<void>;
}

/** The accounts found for a batch's addresses, and why the lookup failed for those it could not do. */
interface AccountLookup {
  accounts: Map<string, ResetUser>;
  failures: Map<string, string>;
}

/** What a failed lookup records as the attempt's error (addresses are blanked when it is stored). */
function lookupFailure(error: unknown): string {
  return `Looking up the account failed: ${describeError(error)}`;
}

/** Addresses looked up at once when a batch is looked up one by one: within a host's usual connection pool. */
export const LOOKUPS_AT_ONCE = 5;

/** Rows claimed per statement; under load one claim, one lookup and one update serve many requests. */
export const BATCH_SIZE = 50;

/**
 * Under load, how long the processor lets requests gather before it claims again. Every
 * forgot-password request wakes it; without a pause each one cost its own claim (the queue's most
 * expensive statement), so the claims grew with the request rate. With it a round starts at most
 * every CLAIM_COALESCE_MS, whatever the rate (within a round, claims follow one another only while
 * they come back full), and an email leaves at most this much later. A lone request after a quiet
 * spell is claimed at once.
 */
export const CLAIM_COALESCE_MS = 10;

/**
 * Turns claimed requests into emails: resolves the accounts, issues tokens (so a raw token exists
 * only now, never in the database), renders and sends, then settles each row. A failure is recorded
 * without secrets and retried with backoff until the attempts or the token TTL run out.
 *
 * Work comes in rounds: each claims a batch of due rows, settles in one statement the requests for
 * addresses with no account, counts a failed attempt for those whose account the host could not look
 * up, and sends the rest, as many at once as there are SMTP connections. Each send first renews its
 * row's claim (a fresh fencing id), so a slow batch never sends on a claim that ran out, and every
 * status change is fenced by it.
 */
@Injectable()
export class EmailQueueProcessor {
  private readonly logger = new Logger(EmailQueueProcessor.name);
  private readonly sends: ConcurrencyLimit;
  private readonly prepares: ConcurrencyLimit;
  private readonly lookups = new ConcurrencyLimit(LOOKUPS_AT_ONCE);
  private running?: Promise<void>;
  private wanted = false;
  private stopping = false;
  /** When the last round began (epoch ms). */
  private lastRoundAt = -Infinity;

  constructor(
    private readonly outbox: EmailQueueService,
    private readonly users: PasswordResetUsers,
    private readonly resetTokens: ResetTokensService,
    private readonly links: ResetLinks,
    private readonly mail: MailService,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {
    this.sends = new ConcurrencyLimit(settings.delivery.concurrentSends);
    // As many rows made ready as are being sent: each connection has its next message waiting.
    this.prepares = new ConcurrencyLimit(settings.delivery.concurrentSends);
  }

  /**
   * Processes whatever is due. Calls while a round runs fold into one more round, so a burst of
   * requests costs a few claims, not one each. Never rejects: failures are logged, and the poller
   * comes back.
   */
  wake(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.wanted = true;
    this.running ??= this.rounds();
    return this.running;
  }

  /** Stops claiming and waits up to `timeoutMs` for sends under way; says whether they all finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>(
      (resolve) => (timer = setTimeout(resolve, timeoutMs, false)),
    );
    const finished = await Promise.race([this.running.then(() => true), timeout]);
    clearTimeout(timer);
    return finished;
  }

  private async rounds(): Promise<void> {
    try {
      while (this.wanted && !this.stopping) {
        // Woken again soon after the last round: requests are arriving, so let a few more gather.
        const wait = this.lastRoundAt + CLAIM_COALESCE_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastRoundAt = Date.now();
        this.wanted = false;
        while (!this.stopping && (await this.processBatch()) === BATCH_SIZE);
      }
    } catch (error) {
      this.logger.error(
        `Processing the email queue failed: ${storableError(describeError(error))}`,
      );
    } finally {
      this.running = undefined;
    }
  }

  /** One batch; returns how many rows it claimed. */
  private async processBatch(): Promise<number> {
    const batch = await this.outbox.claimDue(BATCH_SIZE);
    if (batch.length === 0) return 0;
    const now = new Date();

    // Invitations are reset links under another name: the same lookup, token and checks.
    const resets = batch.filter(
      (request) => request.kind === EmailKind.PasswordReset || request.kind === EmailKind.Invite,
    );
    const stale = resets.filter((request) => this.isStale(request, now));
    for (const request of stale) {
      await this.outbox.markFailed(
        request,
        'Not sent in time: a link sent now would arrive stale',
        now,
        true,
      );
      this.logger.error(`Gave up on reset request ${request.id}: older than the token lifetime`);
    }
    const live = resets.filter((request) => !stale.includes(request));
    const { accounts, failures } = await this.lookUp(live.map((request) => request.email));
    for (const request of live) {
      const failure = failures.get(request.email);
      if (failure !== undefined) await this.settleFailure(request, failure, now);
    }
    const noAccount = live.filter(
      (request) => !accounts.has(request.email) && !failures.has(request.email),
    );
    // With notifyUnknownRecipients such an address is told so (below); otherwise nothing is sent.
    const told = this.settings.notifyUnknownRecipients
      ? noAccount.filter((request) => request.kind === EmailKind.PasswordReset)
      : [];
    const untold = noAccount.filter((request) => !told.includes(request));
    if (untold.length > 0) {
      await this.outbox.markNoAccount(untold, now);
      this.logger.debug(
        `${untold.length} reset requests for addresses with no account; nothing sent`,
      );
    }

    const toSend = batch.filter(
      (request) =>
        request.kind === EmailKind.PasswordChanged ||
        request.kind === EmailKind.SignUpAttempt ||
        accounts.has(request.email) ||
        told.includes(request),
    );
    await Promise.all(toSend.map((request) => this.sendOne(request, accounts.get(request.email))));
    return batch.length;
  }

  /**
   * The accounts of these (normalised) addresses, keyed by them. A host may key its answer by the
   * address as it stores it (`Alice@Example.com`), so the keys are normalised again. When the host's
   * batch lookup throws, each address is looked up on its own: an address the host fails on, or a
   * users database that is down, then costs an attempt of its own requests only (in `failures`, with
   * why), and the rest of the batch still goes out.
   */
  private async lookUp(addresses: string[]): Promise<AccountLookup> {
    const accounts = new Map<string, ResetUser>();
    const failures = new Map<string, string>();
    const unique = [...new Set(addresses)];
    if (unique.length === 0) return { accounts, failures };
    try {
      for (const [address, user] of await this.users.findByEmails(unique)) {
        accounts.set(emailKey(address), user);
      }
      return { accounts, failures };
    } catch (error) {
      if (unique.length === 1) {
        failures.set(unique[0], lookupFailure(error));
        return { accounts, failures };
      }
      this.logger.warn(
        `Looking up ${unique.length} accounts at once failed (${storableError(describeError(error))}); looking them up one by one`,
      );
    }
    await Promise.all(
      unique.map((address) =>
        this.lookups.run(async () => {
          try {
            const user = await this.users.findByEmail(address);
            if (user) accounts.set(address, user);
          } catch (error) {
            failures.set(address, lookupFailure(error));
          }
        }),
      ),
    );
    return { accounts, failures };
  }

  /**
   * One row: prepared (claim renewed, token issued) while the SMTP connections are busy with other
   * rows, then sent as soon as a connection is free, under a claim renewed once more, so the send
   * itself has the whole claim timeout and the connections never wait on the database.
   */
  private async sendOne(request: ClaimedEmail, user: ResetUser | undefined): Promise<void> {
    const ready = await this.prepares.run(() => this.prepare(request, user));
    if (ready) await this.sends.run(() => this.deliver(ready));
  }

  /** Takes the row for this send and, for a reset, issues its token; null when there is nothing to send. */
  private async prepare(
    request: ClaimedEmail,
    user: ResetUser | undefined,
  ): Promise<PreparedEmail | null> {
    if (this.stopping) {
      // Shutting down between rows: hand it back for the next instance, attempt not counted.
      await this.outbox.release([request]);
      return null;
    }
    const held = await this.outbox.renewClaim(request);
    if (!held) {
      this.logger.warn(`Request ${request.id} was taken over by another instance; not sent here`);
      return null;
    }
    try {
      switch (held.kind) {
        case EmailKind.PasswordReset:
        case EmailKind.Invite: {
          if (!user) {
            return held.kind === EmailKind.PasswordReset && this.settings.notifyUnknownRecipients
              ? this.unknownRecipient(held)
              : null;
          }
          const invite = held.kind === EmailKind.Invite;
          // A code beside the link (resetCode.enabled) is for resets only.
          const { token, expiresAt, code, codeExpiresAt } = await this.resetTokens.issue(
            user.id,
            new Date(),
            this.linkLifetimeMs(held.kind),
            !invite,
          );
          // A password change or reset cancels the request and then ends the account's links. If
          // it cancelled this one while the token was being issued, the token may have outlived
          // that end: take it back and send nothing.
          if (!(await this.outbox.isHeld(held))) {
            await this.resetTokens.revokeAllForUser(user.id);
            this.logger.log(`Reset request ${held.id} was withdrawn before it was sent`);
            return null;
          }
          // The account's own language first; the request's (on the row) for accounts with none.
          const reader = {
            locale: user.locale,
            timeZone: user.timeZone,
            requestLocale: held.locale,
          };
          const content = {
            to: user.email,
            ...reader,
            // The page opens in the email's language.
            link: this.links.resetLink(token, this.mail.localeFor(reader)),
            expiresAt,
          };
          return {
            request: held,
            describe: `${invite ? 'an invitation' : 'a reset link'} for request ${held.id} (account ${user.id})`,
            send: () =>
              invite
                ? this.mail.sendInvite(content)
                : this.mail.sendPasswordReset({ ...content, code, codeExpiresAt }),
          };
        }
        case EmailKind.PasswordChanged:
          return {
            request: held,
            describe: `a password-changed notice for request ${held.id}`,
            send: () =>
              this.mail.sendPasswordChanged({
                to: held.email,
                // The account's, recorded with the change (no lookup here).
                locale: held.locale,
                timeZone: held.timeZone,
                changedAt: held.createdAt,
                // The notice's language.
                forgotPasswordUrl: this.links.pageUrl(this.mail.localeFor({ locale: held.locale })),
              }),
          };
        case EmailKind.SignUpAttempt:
          return {
            request: held,
            describe: `a sign-up attempt notice for request ${held.id}`,
            send: () =>
              this.mail.sendSignUpAttempt({
                to: held.email,
                // The account's (else the sign-up request's), recorded with the attempt.
                locale: held.locale,
                timeZone: held.timeZone,
                attemptedAt: held.createdAt,
                signInUrl: this.links.signInUrl(),
                forgotPasswordUrl: this.links.pageUrl(this.mail.localeFor({ locale: held.locale })),
              }),
          };
      }
    } catch (error) {
      await this.settleFailure(held, describeError(error), new Date());
      return null;
    }
  }

  /** To an address no account uses: no token, no link; in the request's language, else the default. */
  private unknownRecipient(request: ClaimedEmail): PreparedEmail {
    return {
      request,
      describe: `an unknown-recipient notice for request ${request.id}`,
      send: () =>
        this.mail.sendUnknownRecipient({
          to: request.email,
          requestLocale: request.locale,
          signUpUrl: this.settings.signUpUrl,
        }),
    };
  }

  private async deliver(ready: PreparedEmail): Promise<void> {
    if (this.stopping) {
      // Its token, if any, is never sent; the next instance's replaces it (one per account).
      await this.outbox.release([ready.request]);
      return;
    }
    // A cancellation since `prepare` came before the account's links were ended, so the token issued
    // there is already void: nothing to take back, only nothing to send.
    const held = await this.outbox.renewClaim(ready.request);
    if (!held) {
      this.logger.log(`Request ${ready.request.id} was withdrawn or taken over; not sent here`);
      return;
    }
    try {
      await ready.send();
      this.logger.log(`Sent ${ready.describe}`);
      if (!(await this.outbox.markDone(held))) {
        this.logger.warn(`Request ${held.id} was sent but its claim had been taken over`);
      }
    } catch (error) {
      await this.settleFailure(held, describeError(error), new Date());
    }
  }

  private async settleFailure(request: ClaimedEmail, failure: string, now: Date): Promise<void> {
    // As stored, so that the log keeps no address either (a host's or a mail server's error may name one).
    const error = storableError(failure);
    try {
      if (request.attempts >= this.settings.delivery.maxAttempts) {
        await this.outbox.markFailed(request, error, now);
        this.logger.error(
          `Gave up on request ${request.id} after ${request.attempts} attempts: ${error}`,
        );
        return;
      }
      const delay = retryDelayMs(request.attempts, this.settings.delivery.retryBaseSeconds);
      await this.outbox.markRetry(request, error, new Date(now.getTime() + delay));
      this.logger.warn(
        `Attempt ${request.attempts} for request ${request.id} failed (${error}); retrying in ${Math.round(delay / 1000)} s`,
      );
    } catch (settleError) {
      // The claim runs out and another poll takes the row again.
      this.logger.error(
        `Could not record the failure of request ${request.id}: ${describeError(settleError)}`,
      );
    }
  }

  /** Older than a token lives: a link sent now would arrive for a request the person gave up on. */
  private isStale(request: ClaimedEmail, now: Date): boolean {
    return now.getTime() - request.createdAt.getTime() >= this.linkLifetimeMs(request.kind);
  }

  /** How long the link of a row of this kind lives: an invitation's, `inviteTtlHours`. */
  private linkLifetimeMs(kind: EmailKind): number {
    return kind === EmailKind.Invite
      ? this.settings.inviteTtlHours * 3_600_000
      : this.settings.tokenTtlMinutes * 60_000;
  }
}
