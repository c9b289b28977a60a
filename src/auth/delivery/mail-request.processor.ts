import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { describeError } from '../../common/describe-error';
import { deliveryConfig } from '../../config/delivery.config';
import { resetConfig } from '../../config/reset.config';
import { MailService } from '../../mail/mail.service';
import { PasswordResetRequest, RequestKind } from '../../outbox/password-reset-request.entity';
import { OutboxService } from '../../outbox/outbox.service';
import { ResetTokensService } from '../../tokens/reset-tokens.service';
import { UsersService } from '../../users/users.service';
import { ResetLinks } from '../reset-links';
import { retryDelayMs } from './retry-policy';

/**
 * Turns a claimed request into an email: resolves the account, issues the token (so the raw token
 * exists only now, never in the database), renders and sends, then settles the row. A failure is
 * recorded without secrets and retried with backoff until the attempts or the token TTL run out.
 */
@Injectable()
export class MailRequestProcessor {
  private readonly logger = new Logger(MailRequestProcessor.name);
  private readonly inFlight = new Set<Promise<void>>();
  private draining = false;

  constructor(
    private readonly outbox: OutboxService,
    private readonly users: UsersService,
    private readonly resetTokens: ResetTokensService,
    private readonly links: ResetLinks,
    private readonly mail: MailService,
    @Inject(deliveryConfig.KEY) private readonly config: ConfigType<typeof deliveryConfig>,
    @Inject(resetConfig.KEY) private readonly reset: ConfigType<typeof resetConfig>,
  ) {}

  /** Claims the request by id and processes it; does nothing if another instance got it first. */
  async processById(id: string): Promise<void> {
    if (this.draining) return;
    const request = await this.outbox.claim(id);
    if (request) await this.track(this.process(request));
  }

  /** Claims what is due and processes it, one at a time. Returns how many it processed. */
  async processDue(limit: number): Promise<number> {
    if (this.draining) return 0;
    const due = await this.outbox.claimDue(limit);
    for (const request of due) await this.track(this.process(request));
    return due.length;
  }

  /** Stops claiming and waits up to `timeoutMs` for sends under way; returns how many are left. */
  async drain(timeoutMs: number): Promise<number> {
    this.draining = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    return this.inFlight.size;
  }

  private async track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async process(request: PasswordResetRequest): Promise<void> {
    const now = new Date();
    try {
      if (request.kind === RequestKind.PasswordReset && this.isStale(request, now)) {
        await this.outbox.markFailed(
          request.id,
          'Not sent in time: a link sent now would arrive stale',
          now,
        );
        this.logger.error(`Gave up on reset request ${request.id}: older than the token lifetime`);
        return;
      }
      await this.send(request);
      await this.outbox.markDone(request.id);
    } catch (error) {
      await this.settleFailure(request, describeError(error), now);
    }
  }

  private async send(request: PasswordResetRequest): Promise<void> {
    switch (request.kind) {
      case RequestKind.PasswordReset: {
        const user = await this.users.findByEmail(request.email);
        if (!user) {
          this.logger.debug(
            `Reset request ${request.id}: no account for the address; nothing sent`,
          );
          return;
        }
        const { token, expiresAt } = await this.resetTokens.issue(user.id);
        await this.mail.sendPasswordReset({
          to: user.email,
          link: this.links.resetLink(token),
          expiresAt,
        });
        this.logger.log(`Sent a reset link for request ${request.id} (account ${user.id})`);
        return;
      }
      case RequestKind.PasswordChanged: {
        await this.mail.sendPasswordChanged({
          to: request.email,
          changedAt: request.createdAt,
          forgotPasswordUrl: this.links.pageUrl(),
        });
        this.logger.log(`Sent a password-changed notice for request ${request.id}`);
        return;
      }
    }
  }

  private async settleFailure(
    request: PasswordResetRequest,
    error: string,
    now: Date,
  ): Promise<void> {
    try {
      if (request.attempts >= this.config.maxAttempts) {
        await this.outbox.markFailed(request.id, error, now);
        this.logger.error(
          `Gave up on request ${request.id} after ${request.attempts} attempts: ${error}`,
        );
        return;
      }
      const delay = retryDelayMs(request.attempts, this.config.retryBaseSeconds);
      await this.outbox.markRetry(request.id, error, new Date(now.getTime() + delay));
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
  private isStale(request: PasswordResetRequest, now: Date): boolean {
    return now.getTime() - request.createdAt.getTime() >= this.reset.tokenTtlMinutes * 60_000;
  }
}
