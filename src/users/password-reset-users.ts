import type { EntityManager } from 'typeorm';

/** An account as the reset flow needs to know it. */
export interface ResetUser {
  /** The host's id for the account, as a string; reset tokens keep it. */
  id: string;
  /** The account's address, as the host stores it (the module looks it up normalised). */
  email: string;
  /**
   * The account's language, a BCP 47 tag (`de`, `de-AT`): its emails are written in the closest locale
   * the module has (`de-AT`, else `de`), else in the language of the request that asked for the
   * email, else in `defaultLocale`.
   */
  locale?: string | null;
  /** The account's IANA time zone (`Europe/Berlin`): dates in its emails are in it (in UTC without one). */
  timeZone?: string | null;
}

/**
 * The host's accounts, as the reset flow sees them. Extend it with the host's own users table and
 * pass the class as `users` to `PasswordResetModule.forRoot…`; without it, the module's built-in
 * accounts serve.
 */
export abstract class PasswordResetUsers {
  /** The account with this address, or null. The address arrives normalised (trimmed, lower-cased, NFC, punycode domain). */
  abstract findByEmail(email: string): Promise<ResetUser | null>;

  /** The account with this id, or null (it may have been deleted since the link was sent). */
  abstract findById(id: string): Promise<ResetUser | null>;

  /**
   * Sets a new password. Called inside the transaction that uses the reset token up: write through
   * `manager`, hash as the host does, and end the account's sessions. The password has passed the
   * module's policy (and {@link preparePassword}, if overridden). If this throws, the token stays
   * usable and nothing changes.
   */
  abstract setPassword(userId: string, newPassword: string, manager: EntityManager): Promise<void>;

  /**
   * Optional: the accounts of several addresses at once, by address. Override it to look a batch up
   * in one query; by default each address is looked up with {@link findByEmail}.
   */
  async findByEmails(emails: string[]): Promise<Map<string, ResetUser>> {
    const found = new Map<string, ResetUser>();
    for (const email of new Set(emails)) {
      const user = await this.findByEmail(email);
      if (user) found.set(email, user);
    }
    return found;
  }

  /**
   * Optional: turns the new password into what {@link setPassword} receives, before the transaction
   * opens. Override it to hash here and keep the transaction short; by default the password passes
   * through unchanged.
   */
  preparePassword(newPassword: string): Promise<string> {
    return Promise.resolve(newPassword);
  }
}
