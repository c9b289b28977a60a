import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, QueryFailedError, Repository } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { User } from './user.entity';

/** The one place that reads and writes the `users` table. */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** `email` must already be normalised (trimmed, lower-case). */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  /** The accounts of those of `emails` (normalised) that have one, by email. */
  async findByEmails(emails: string[]): Promise<Map<string, User>> {
    if (emails.length === 0) return new Map();
    const found = await this.users.findBy({ email: In([...new Set(emails)]) });
    return new Map(found.map((user) => [user.email, user]));
  }

  async create(email: string, passwordHash: string): Promise<User> {
    const now = new Date();
    const user = this.users.create({
      id: randomUUID(),
      email,
      passwordHash,
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
    });
    try {
      await this.users.insert(user);
    } catch (error) {
      // The unique index is the source of truth: two concurrent sign-ups cannot both pass a lookup.
      if (isUniqueViolation(error)) {
        throw new DomainError(
          DomainErrorCode.EmailTaken,
          'An account with this email already exists',
        );
      }
      throw error;
    }
    return user;
  }

  /** Replaces the hash without ending sessions: used when a login upgrades old argon2 parameters. */
  async rehash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash, updatedAt: new Date() });
  }

  /**
   * Sets a new password and bumps `token_version`, which ends every access token issued before.
   * Returns the time of the change.
   */
  async changePassword(
    id: string,
    passwordHash: string,
    manager: EntityManager = this.users.manager,
  ): Promise<Date> {
    const repo = manager.getRepository(User);
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
    await this.users.delete({ id });
  }
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string };
  // 23505: PostgreSQL unique_violation; SQLITE_CONSTRAINT_UNIQUE from better-sqlite3.
  return driverError.code === '23505' || driverError.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
