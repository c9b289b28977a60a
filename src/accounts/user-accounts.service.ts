import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, QueryFailedError } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import { UserAccount } from './user-account.entity';

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

  async create(email: string, passwordHash: string): Promise<UserAccount> {
    const now = new Date();
    const user = Object.assign(new UserAccount(), {
      id: randomUUID(),
      email,
      passwordHash,
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
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

  /** Replaces the hash without ending sessions: used when a login upgrades old argon2 parameters. */
  async rehash(id: string, passwordHash: string): Promise<void> {
    await this.db.run((manager) =>
      manager.getRepository(UserAccount).update({ id }, { passwordHash, updatedAt: new Date() }),
    );
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

  /** Reset tokens go with the account (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.db.run((manager) => manager.getRepository(UserAccount).delete({ id }));
  }
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string };
  // 23505: PostgreSQL unique_violation; SQLITE_CONSTRAINT_UNIQUE from better-sqlite3.
  return driverError.code === '23505' || driverError.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
