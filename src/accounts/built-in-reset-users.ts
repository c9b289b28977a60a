import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PasswordHasher } from '../passwords/password-hasher.service';
import { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import { UserAccountsService } from './user-accounts.service';

/** The built-in accounts as the reset flow sees them (when the host passes no `users`). */
@Injectable()
export class BuiltInResetUsers extends PasswordResetUsers {
  constructor(
    private readonly accounts: UserAccountsService,
    private readonly hasher: PasswordHasher,
  ) {
    super();
  }

  findByEmail(email: string): Promise<ResetUser | null> {
    return this.accounts.findByEmail(email);
  }

  findById(id: string): Promise<ResetUser | null> {
    return this.accounts.findById(id);
  }

  override findByEmails(emails: string[]): Promise<Map<string, ResetUser>> {
    return this.accounts.findByEmails(emails);
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
