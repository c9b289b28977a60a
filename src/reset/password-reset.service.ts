import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { emailKey, normalizeEmail } from '../common/email-address';
import type { EntityManager } from 'typeorm';
import { GroupCommit } from '../database/group-commit';
import { canonicalLocale, matchLocale } from '../i18n/locale-tags';
import { SHIPPED_LOCALES } from '../i18n/shipped-locales';
import { UnitOfWork } from '../database/unit-of-work';
import { EmailQueueService } from '../email-queue/email-queue.service';
import { EmailKind, EmailStatus } from '../email-queue/queued-email.entity';
import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import {
  PASSWORD_RESET_EVENTS,
  PasswordResetCompletedEvent,
  PasswordResetRequestedEvent,
} from '../events/password-reset-events';
import { PasswordResetEventsPublisher } from '../events/password-reset-events.publisher';
import {
  EmailCooldownService,
  type ResetEmailRequest,
} from '../limits/per-address/email-cooldown.service';
import { PasswordChanger } from '../passwords/password-changer.service';
import { PasswordPolicy } from '../passwords/password-policy.service';
import { LiveResetToken, ResetTokensService } from '../tokens/reset-tokens.service';
import { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';

/** One answer for unknown, used and expired tokens, so none can be told apart. */
export const INVALID_RESET_TOKEN_MESSAGE =
  'This reset link is invalid or has expired. Request a new one.';

function invalidToken(): PasswordResetError {
  return new PasswordResetError(
    PasswordResetErrorCode.InvalidResetToken,
    INVALID_RESET_TOKEN_MESSAGE,
  );
}

/** A forgot-password request on its way to the email queue. */
interface ResetRequest extends ResetEmailRequest {
  /** When its email may go: a random moment within `delivery.resetJitterMs` of `now`. */
  dueAt: Date;
  /** The request's language, canonical; the email uses it for an account that stores none. */
  locale: string | null;
}

/** The language of the request a call serves, for the email it leads to. */
export interface RequestLanguage {
  /**
   * A BCP 47 tag (`fr`, `de-AT`), such as the one the request's `Accept-Language` comes closest to.
   * Emails are written in the account's stored locale first, then in this one, then in
   * `defaultLocale`. A malformed tag is ignored.
   */
  locale?: string | null;
  /**
   * The request's languages, most wanted first (its `Accept-Language`): a refused password is
   * explained in the first of them the module speaks, else in `locale`'s language, else in English.
   */
  languages?: readonly string[];
}

/**
 * The network host-sent links count under: the support desk or admin panel is one sender, so its
 * links share one cooldown and daily cap per address, apart from the owner's own requests.
 */
export const HOST_NETWORK = 'host';

/** Which link a host sends: a reset link, or an invitation to set a first password. */
export type HostLinkKind = 'reset' | 'invite';

/** What {@link PasswordResetService.sendResetLink} did. */
export interface HostSentLink {
  /** The queue row (and the `requested` event's `requestId`). */
  requestId: string;
  /** False when the per-address caps refused it: recorded as throttled, never sent. */
  queued: boolean;
}

/**
 * The forgot-password → email → new-password flow, for the module's routes and for hosts that call
 * it from their own code. Failures are {@link PasswordResetError}s.
 */
@Injectable()
export class PasswordResetService {
  /** Forgot-password requests arriving together are recorded in one transaction. */
  private readonly requests: GroupCommit<ResetRequest, string>;
  private readonly jitterMs: number;

  constructor(
    private readonly users: PasswordResetUsers,
    private readonly resetTokens: ResetTokensService,
    private readonly policy: PasswordPolicy,
    private readonly db: UnitOfWork,
    private readonly events: PasswordResetEventsPublisher,
    private readonly emails: EmailQueueService,
    private readonly cooldown: EmailCooldownService,
    private readonly passwordChanger: PasswordChanger,
    @Inject(PASSWORD_RESET_SETTINGS) settings: PasswordResetSettings,
  ) {
    this.jitterMs = settings.delivery.resetJitterMs;
    this.requests = new GroupCommit(db, (manager, requests) => this.record(manager, requests), {
      // With the per-address rules off, a group is one INSERT.
      inTransaction: () => cooldown.enabled,
    });
  }

  /**
   * Asks for a reset link to be emailed to `email`, if it has an account. Does the same work for
   * every address, known or not: records the request (as throttled inside the cooldown or past the
   * daily cap of the address and the client's network, or past the address's own daily cap) and
   * emits an event. Looking up the account, issuing the token and sending the email happen
   * afterwards, in the email queue, at a random moment within `delivery.resetJitterMs` (the same
   * for every address): whatever that work costs, it does not land right after the answer, where
   * the caller's next request could time it. The address is normalised first. Requests made while
   * another is being written are written together with it (see {@link GroupCommit}).
   *
   * Pass the client's IP (`clientIp`), as the module's route does: the cooldown and the daily cap
   * count per client network, so requests from elsewhere cannot use up the owner's. Without it, a
   * request counts under one network shared by every request made without an IP: the address then
   * gets as few emails as before, and anyone able to make such requests can use them up.
   *
   * Pass the request's language (`options.locale`) for the email of an account that stores none:
   * the account is not looked up here, so the row keeps it until the email is built.
   */
  async requestReset(
    email: string,
    clientIp?: string,
    options: RequestLanguage = {},
  ): Promise<void> {
    const normalised = normalizeEmail(email);
    if (!normalised.ok) {
      throw new PasswordResetError(PasswordResetErrorCode.InvalidEmail, normalised.reason);
    }
    const now = new Date();
    const dueAt = new Date(now.getTime() + randomInt(this.jitterMs + 1));
    const locale = canonicalLocale(options.locale) ?? null;
    const requestId = await this.requests.submit({
      email: normalised.email,
      clientIp,
      now,
      dueAt,
      locale,
    });
    this.events.publish(
      PASSWORD_RESET_EVENTS.requested,
      new PasswordResetRequestedEvent(requestId, now, dueAt, locale),
    );
  }

  /**
   * Queues a link for an account the host names (a support desk, an admin panel): `reset` sends the
   * reset email, `invite` the "set your password" email, whose link lives `inviteTtlHours`. Both are
   * written in the account's language, held to the per-address cooldown and daily caps (counted
   * under one network, {@link HOST_NETWORK}), and announced by the `requested` event. Unlike
   * {@link requestReset} there is no jitter and the answer says whether the caps let it through: the
   * host already knows the account exists. An id the users port does not know is refused with
   * `UNKNOWN_ACCOUNT`.
   */
  async sendResetLink(
    userId: string,
    options: { kind: HostLinkKind } = { kind: 'reset' },
  ): Promise<HostSentLink> {
    const user = await this.users.findById(userId);
    if (!user) {
      throw new PasswordResetError(
        PasswordResetErrorCode.UnknownAccount,
        `No account has the id ${JSON.stringify(userId)}: check the id the users port knows it by`,
      );
    }
    const email = emailKey(user.email);
    const now = new Date();
    const { requestId, queued } = await this.db.transaction(async (manager) => {
      const [allowed] = await this.cooldown.acquireAll(
        [{ email, clientIp: HOST_NETWORK, now }],
        manager,
      );
      const [id] = await this.emails.recordMany(
        [
          {
            kind: options.kind === 'invite' ? EmailKind.Invite : EmailKind.PasswordReset,
            email,
            status: allowed ? EmailStatus.Pending : EmailStatus.Throttled,
            now,
          },
        ],
        manager,
      );
      return { requestId: id, queued: allowed };
    });
    this.events.publish(
      PASSWORD_RESET_EVENTS.requested,
      new PasswordResetRequestedEvent(requestId, now, now, null),
    );
    return { requestId, queued };
  }

  /**
   * Counts the requests against the per-address rules (which take their rows in an order that keeps
   * concurrent transactions from deadlocking), then records them all.
   */
  private async record(manager: EntityManager, requests: ResetRequest[]): Promise<string[]> {
    const allowed = await this.cooldown.acquireAll(requests, manager);
    return this.emails.recordMany(
      requests.map(({ email, now, dueAt, locale }, index) => ({
        kind: EmailKind.PasswordReset,
        email,
        status: allowed[index] ? EmailStatus.Pending : EmailStatus.Throttled,
        now,
        dueAt,
        locale,
      })),
      manager,
    );
  }

  /**
   * When the link's token expires; does not use it up. A link whose account the users port no longer
   * finds (deleted or deactivated by the host) is refused like any other, and deleted.
   */
  async verify(token: string): Promise<Date> {
    const live = await this.resetTokens.findLive(token);
    if (!live) throw invalidToken();
    await this.accountOf(live);
    return live.expiresAt;
  }

  /**
   * Checks the token without using it, checks the new password (a refused password leaves the link
   * usable), and only then uses the token up and sets the password in one transaction. Every other
   * link and session of the account ends; nobody is signed in. The notice of the change is written in
   * the account's stored language, else in the request's (`options.locale`).
   */
  async reset(token: string, newPassword: string, options: RequestLanguage = {}): Promise<void> {
    const live = await this.resetTokens.findLive(token);
    if (!live) throw invalidToken();
    const user = await this.accountOf(live);

    await this.policy.assertAcceptable(
      newPassword,
      user.email,
      matchLocale([...(options.languages ?? []), options.locale], SHIPPED_LOCALES),
    );
    const completedAt = await this.passwordChanger.change(
      user,
      newPassword,
      'reset',
      async (manager) => {
        // Of concurrent resets with one token, only the one that deletes the row goes on.
        if ((await this.resetTokens.consume(live.id, manager)) === null) throw invalidToken();
      },
      options,
    );
    this.events.publish(
      PASSWORD_RESET_EVENTS.completed,
      new PasswordResetCompletedEvent(user.id, completedAt),
    );
  }

  /**
   * Ends the account's reset links and withdraws its reset emails not yet sent. For hosts that change
   * a password, an address or an account's state their own way (their own password form, an admin
   * panel, deactivation, deletion): a link sent before would otherwise still work. Requests first, in
   * one transaction with the links, as a password change does, so a send under way finds its claim
   * gone and takes its fresh token back.
   */
  async revokeLinks(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    await this.db.transaction(async (manager) => {
      if (user) await this.emails.cancelResets(emailKey(user.email), new Date(), manager);
      await this.resetTokens.revokeAllForUser(userId, manager);
    });
  }

  /** @deprecated Use {@link revokeLinks}, which also withdraws reset emails not yet sent. */
  forgetUser(userId: string): Promise<void> {
    return this.revokeLinks(userId);
  }

  /** The link's account, through the users port; a link whose account is gone is deleted, then refused. */
  private async accountOf(live: LiveResetToken): Promise<ResetUser> {
    const user = await this.users.findById(live.userId);
    if (user) return user;
    await this.resetTokens.revokeAllForUser(live.userId);
    throw invalidToken();
  }
}
