import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, QueryFailedError } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import { UserAccount } from './user-account.entity';

/** An account's language and time zone, in canonical form; `null` is none. */
export interface AccountPreferences {
  locale?: string | null;
  timeZone?: string | null;
}

/** The one place that reads and writes the built-in accounts' `users` table. */
@Injectable()
export class UserAccountsService {
  constructor(private readonly db: UnitOfWork) {}

  findById(id: string): Promise<UserAccount | null> {
    return this.db.run((manager) => manager.getRepository(UserAccount).findOneBy({ id }));
  }

  /** `email` must already be normalised. */
  findByEmail(email: string): Promise<UserAccount | null> {
    return this.db.run((manager) => manager.getRepository(UserAccount).findOneBy({ email }));
  }

  /** The accounts of those of `emails` (normalised) that have one, by email, in one query. */
  async findByEmails(emails: string[]): Promise<Map<string, UserAccount>> {
    if (emails.length === 0) return new Map();
    const found = await this.db.run((manager) =>
      manager.getRepository(UserAccount).findBy({ email: In([...new Set(emails)]) }),
    );
    return new Map(found.map((user) => [user.email, user]));
  }

  async create(
    email: string,
    passwordHash: string,
    preferences: AccountPreferences = {},
  ): Promise<UserAccount> {
    const now = new Date();
    const user = Object.assign(new UserAccount(), {
      id: randomUUID(),
      email,
      passwordHash,
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
      locale: preferences.locale ?? null,
      timeZone: preferences.timeZone ?? null,
    });
    try {
      await this.db.run((manager) => manager.getRepository(UserAccount).insert(user));
    } catch (error) {
      // The unique index is the source of truth: two concurrent sign-ups cannot both pass a lookup.
      if (isUniqueViolation(error)) {
        throw new PasswordResetError(
          PasswordResetErrorCode.EmailTaken,
          'An account with this email already exists',
        );
      }
      throw error;
    }
    return user;
  }

  /**
   * Replaces the hash without ending sessions, when a login upgrades old argon2 parameters; only while
   * the stored hash is still `verifiedHash`, checked by the UPDATE itself, so a password changed since
   * the login verified it is never overwritten with the old one. Says whether it wrote.
   */
  async rehash(id: string, verifiedHash: string, passwordHash: string): Promise<boolean> {
    const result = await this.db.run((manager) =>
      manager
        .getRepository(UserAccount)
        .update({ id, passwordHash: verifiedHash }, { passwordHash, updatedAt: new Date() }),
    );
    return result.affected === 1;
  }

  /**
   * Writes those of `changes` that are not undefined, in one statement, only if the account's
   * `token_version` is still `tokenVersion` (no password change or reset ended the session that
   * asked); says whether it wrote.
   */
  async updatePreferences(
    id: string,
    tokenVersion: number,
    changes: AccountPreferences,
  ): Promise<boolean> {
    const result = await this.db.run((manager) =>
      manager.getRepository(UserAccount).update(
        { id, tokenVersion },
        {
          ...(changes.locale === undefined ? {} : { locale: changes.locale }),
          ...(changes.timeZone === undefined ? {} : { timeZone: changes.timeZone }),
          updatedAt: new Date(),
        },
      ),
    );
    return result.affected === 1;
  }

  /**
   * Inside the caller's transaction: says whether the account's `token_version` is still
   * `tokenVersion`, i.e. no password change or reset has ended the session that read it. It asks
   * with a no-op UPDATE, which on PostgreSQL also locks the row until the transaction ends, so no
   * reset can commit between this check and the transaction's own write.
   */
  async holdSession(id: string, tokenVersion: number, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .getRepository(UserAccount)
      .update({ id, tokenVersion }, { tokenVersion: () => 'token_version' });
    return result.affected === 1;
  }

  /**
   * Sets a new password and bumps `token_version`, which ends every access token issued before.
   * Returns the time of the change.
   */
  async changePassword(id: string, passwordHash: string, manager: EntityManager): Promise<Date> {
    const repo = manager.getRepository(UserAccount);
    const now = new Date();
    await repo.update(
      { id },
      {
        passwordHash,
        tokenVersion: () => 'token_version + 1',
        updatedAt: now,
        passwordChangedAt: now,
      },
    );
    return now;
  }

  /**
   * Deletes the account, in one statement, only if its `token_version` is still `tokenVersion` (no
   * password change or reset ended the session that asked); says whether it did. End the account's
   * reset links first, in the same transaction: no foreign key takes them with it.
   */
  async delete(id: string, tokenVersion: number, manager?: EntityManager): Promise<boolean> {
    const result = await this.db.with(manager, (m) =>
      m.getRepository(UserAccount).delete({ id, tokenVersion }),
    );
    return result.affected === 1;
  }
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string };
  // 23505: PostgreSQL unique_violation; SQLITE_CONSTRAINT_UNIQUE from better-sqlite3.
  return driverError.code === '23505' || driverError.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
