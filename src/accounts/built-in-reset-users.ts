import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PasswordHasher } from '../passwords/password-hasher.service';
import { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import { UserAccount } from './user-account.entity';
import { UserAccountsService } from './user-accounts.service';

/** What the reset flow needs of an account: not its password hash or session version. */
function resetUser(account: UserAccount): ResetUser;
function resetUser(account: UserAccount | null): ResetUser | null;
function resetUser(account: UserAccount | null): ResetUser | null {
  if (!account) return null;
  const { id, email, locale, timeZone } = account;
  return { id, email, locale, timeZone };
}

/** The built-in accounts as the reset flow sees them (when the host passes no `users`). */
@Injectable()
export class BuiltInResetUsers extends PasswordResetUsers {
  constructor(
    private readonly accounts: UserAccountsService,
    private readonly hasher: PasswordHasher,
  ) {
    super();
  }

  async findByEmail(email: string): Promise<ResetUser | null> {
    return resetUser(await this.accounts.findByEmail(email));
  }

  async findById(id: string): Promise<ResetUser | null> {
    return resetUser(await this.accounts.findById(id));
  }

  override async findByEmails(emails: string[]): Promise<Map<string, ResetUser>> {
    const found = await this.accounts.findByEmails(emails);
    return new Map([...found].map(([email, account]) => [email, resetUser(account)]));
  }

  /**
   * Hashes before the transaction opens: argon2 takes tens of milliseconds, and on SQLite the
   * module's statements wait while one of its transactions is open.
   */
  override preparePassword(newPassword: string): Promise<string> {
    return this.hasher.hash(newPassword);
  }

  /** `prepared` is the hash from {@link preparePassword}; bumping `token_version` ends every session. */
  async setPassword(userId: string, prepared: string, manager: EntityManager): Promise<void> {
    await this.accounts.changePassword(userId, prepared, manager);
  }
}
