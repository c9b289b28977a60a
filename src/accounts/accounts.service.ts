import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import { LoginLockoutService } from '../limits/per-address/login-lockout.service';
import { ResetTokensService } from '../tokens/reset-tokens.service';
import { AccessToken, AccessTokenService } from './access-tokens/access-token.service';
import { UserAccount } from './user-account.entity';
import { AccountPreferences, UserAccountsService } from './user-accounts.service';
import { matchLocale } from '../i18n/locale-tags';
import { SHIPPED_LOCALES } from '../i18n/shipped-locales';
import { MailService } from '../mail/mail.service';
import { PasswordChanger } from '../passwords/password-changer.service';
import { PasswordHasher } from '../passwords/password-hasher.service';
import { PasswordPolicy } from '../passwords/password-policy.service';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { SignUpAttempts } from './sign-up-attempts.service';

const INVALID_CREDENTIALS = 'Email or password is incorrect';

function invalidCredentials(): PasswordResetError {
  return new PasswordResetError(PasswordResetErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
}

/** What the access-token guard answers for a token a password change or reset has ended. */
function sessionEnded(): PasswordResetError {
  return new PasswordResetError(
    PasswordResetErrorCode.Unauthenticated,
    'A valid access token is required',
  );
}

/** What a sign-up says about the account's language and time zone. */
export interface RegistrationPreferences {
  /** A canonical BCP 47 tag. */
  locale?: string;
  /** A canonical IANA time zone. */
  timeZone?: string;
  /**
   * The request's languages, most wanted first (`Accept-Language`): they pick the locale of a sign-up
   * that sends none, and the language of a refusal.
   */
  languages?: readonly string[];
}

/** What {@link AccountsService.signUp} needs besides {@link RegistrationPreferences}. */
export interface SignUpRequest extends RegistrationPreferences {
  /** The client's IP: the notice to the owner of a taken address counts for its network. */
  clientIp?: string;
}

/**
 * How a sign-up is answered: with the new account (`open` registration), or only that it was
 * accepted, whatever the address (`enumeration-safe`).
 */
export type SignUpOutcome = { kind: 'created'; account: UserAccount } | { kind: 'accepted' };

/**
 * The built-in accounts: sign-up, sign-in, a signed-in password change, language and time zone, and
 * deletion.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UserAccountsService,
    private readonly accessTokens: AccessTokenService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly passwordChanger: PasswordChanger,
    private readonly lockout: LoginLockoutService,
    private readonly resetTokens: ResetTokensService,
    private readonly db: UnitOfWork,
    private readonly mail: MailService,
    private readonly signUpAttempts: SignUpAttempts,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {}

  /**
   * The sign-up of `POST auth/register`, as the `registration` option wants it answered. `open`:
   * {@link register}, and a taken address is a 409 (`EMAIL_TAKEN`). `enumeration-safe`: the same
   * outcome for a new and a taken address, after the same work: the password is checked first (a
   * weak one is refused alike, whatever the address), then hashed either way. A new address gets
   * its account; the owner of a taken one is told by email (see {@link SignUpAttempts}), and the
   * account stays as it was.
   */
  async signUp(
    email: string,
    password: string,
    request: SignUpRequest = {},
  ): Promise<SignUpOutcome> {
    if (this.settings.registration === 'open') {
      return { kind: 'created', account: await this.register(email, password, request) };
    }
    const languages = request.languages ?? [];
    await this.policy.assertAcceptable(password, email, matchLocale(languages, SHIPPED_LOCALES));
    const requestLocale = matchLocale(languages, this.mail.supportedLocales) ?? null;
    const owner = await this.users.findByEmail(email);
    if (owner) {
      // The hash is thrown away, but paid for: a taken address takes as long as a new one. The
      // notice is queued meanwhile, so its statements add nothing to the answer's time.
      await Promise.all([
        this.hasher.hash(password),
        this.signUpAttempts.record(owner, request.clientIp, requestLocale),
      ]);
      return { kind: 'accepted' };
    }
    const passwordHash = await this.hasher.hash(password);
    try {
      await this.users.create(email, passwordHash, {
        locale: request.locale ?? requestLocale,
        timeZone: request.timeZone ?? null,
      });
    } catch (error) {
      // A concurrent sign-up took the address between the lookup and the insert: tell its owner.
      if (!(
        error instanceof PasswordResetError && error.code === PasswordResetErrorCode.EmailTaken
      )) {
        throw error;
      }
      const winner = await this.users.findByEmail(email);
      if (winner) await this.signUpAttempts.record(winner, request.clientIp, requestLocale);
    }
    return { kind: 'accepted' };
  }

  /**
   * `email` must be normalised. Without a locale, the account takes the email locale that best
   * matches the request's languages, so its first emails already speak the browser's language; if
   * none matches it keeps none, and its emails follow each request's languages instead.
   */
  async register(
    email: string,
    password: string,
    preferences: RegistrationPreferences = {},
  ): Promise<UserAccount> {
    // A refusal speaks the request's language, as the other routes' refusals do.
    const languages = preferences.languages ?? [];
    await this.policy.assertAcceptable(password, email, matchLocale(languages, SHIPPED_LOCALES));
    const locale = preferences.locale ?? matchLocale(languages, this.mail.supportedLocales) ?? null;
    return this.users.create(email, await this.hasher.hash(password), {
      locale,
      timeZone: preferences.timeZone ?? null,
    });
  }

  /**
   * Sets or clears (`null`) the account's locale and time zone, leaving out what `changes` leaves
   * out, and answers the account as stored. Like {@link deleteAccount}, only while the session is
   * live: a password change or reset that ended it meanwhile makes it a 401.
   */
  async updatePreferences(user: UserAccount, changes: AccountPreferences): Promise<UserAccount> {
    const updated =
      (await this.users.updatePreferences(user.id, user.tokenVersion, changes)) &&
      (await this.users.findById(user.id));
    if (!updated) throw sessionEnded();
    return updated;
  }

  /**
   * Unknown email, wrong password and a locked address all fail alike, after the same argon2 work.
   * Every attempt counts towards the address's locks, whether or not it has an account.
   */
  async login(email: string, password: string, clientIp: string): Promise<AccessToken> {
    const allowed = await this.lockout.attempt(email, clientIp);
    let user = allowed ? await this.users.findByEmail(email) : null;
    const valid = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyDummy(password);
    if (!user || !valid) throw invalidCredentials();

    // Old cost parameters: upgrade now, while the plain password is at hand.
    if (this.hasher.needsRehash(user.passwordHash)) user = await this.upgradeHash(user, password);
    await this.lockout.clearNetwork(email, clientIp);
    // Reset links and queued requests stay: whoever knows the old password could otherwise void every
    // link the owner asks for, just when the owner needs one most.
    return this.accessTokens.issue(user);
  }

  /**
   * Checks the current password, then changes it (see {@link PasswordChanger.change}); a refusal of
   * the new password is worded in the first of `options.languages` (the request's, most wanted
   * first) the module speaks, and the notice, for an account with no locale of its own, in the first
   * an email locale serves. `user` is the
   * account as the access-token guard read it; the change is written only if its `token_version` is
   * still the token's, checked inside the changer's transaction: a reset that committed while this
   * waited for argon2 ended the session, and then nothing changes and the answer is 401.
   *
   * Both this and {@link deleteAccount} end the reset links before they touch the account's row,
   * the order in which a reset takes them (it uses its token, then writes the password): in the
   * opposite order a reset and a change running side by side on PostgreSQL each waited for the
   * other's row, and the server broke the deadlock by failing one of them.
   */
  async changePassword(
    user: UserAccount,
    currentPassword: string,
    newPassword: string,
    clientIp: string,
    options: { languages?: readonly string[] } = {},
  ): Promise<void> {
    const languages = options.languages ?? [];
    await this.confirmPassword(user, currentPassword, clientIp);
    await this.policy.assertAcceptable(
      newPassword,
      user.email,
      matchLocale(languages, SHIPPED_LOCALES),
    );
    await this.passwordChanger.change(
      user,
      newPassword,
      'change',
      async (manager) => {
        await this.resetTokens.revokeAllForUser(user.id, manager);
        if (!(await this.users.holdSession(user.id, user.tokenVersion, manager))) {
          throw sessionEnded();
        }
      },
      { locale: matchLocale(languages, this.mail.supportedLocales) },
    );
  }

  /**
   * Checks the current password, then deletes the account with its reset links. As for
   * {@link changePassword}, only if the session is still live when the DELETE runs (it checks
   * `token_version` itself); otherwise nothing is deleted and the answer is 401.
   */
  async deleteAccount(user: UserAccount, password: string, clientIp: string): Promise<void> {
    await this.confirmPassword(user, password, clientIp);
    await this.db.transaction(async (manager: EntityManager) => {
      await this.resetTokens.revokeAllForUser(user.id, manager);
      if (!(await this.users.delete(user.id, user.tokenVersion, manager))) throw sessionEnded();
    });
  }

  /**
   * Stores a hash of `password` under the current parameters, but only over the hash it was just
   * verified against: a change or reset that committed meanwhile is never undone. The login then
   * answers as the committed state says: the account as it now stands if `password` still opens it
   * (another login may have upgraded the hash first), invalid credentials if not.
   */
  private async upgradeHash(user: UserAccount, password: string): Promise<UserAccount> {
    const upgraded = await this.hasher.hash(password);
    if (await this.users.rehash(user.id, user.passwordHash, upgraded)) return user;
    const current = await this.users.findById(user.id);
    if (!current || !(await this.hasher.verify(current.passwordHash, password))) {
      throw invalidCredentials();
    }
    return current;
  }

  /**
   * A signed-in owner re-entering the password is a login attempt as far as guessing goes: it counts
   * towards, and is refused by, the same locks. Otherwise a stolen session would be an unlimited
   * password oracle.
   */
  private async confirmPassword(
    user: UserAccount,
    password: string,
    clientIp: string,
  ): Promise<void> {
    const allowed = await this.lockout.attempt(user.email, clientIp);
    const valid = await this.hasher.verify(user.passwordHash, password);
    if (!allowed || !valid) {
      throw new PasswordResetError(
        PasswordResetErrorCode.InvalidCredentials,
        'Current password is incorrect',
      );
    }
    await this.lockout.clearNetwork(user.email, clientIp);
  }
}
