import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { RawSql } from '../database/raw-sql';
import { UnitOfWork } from '../database/unit-of-work';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { PasswordResetToken } from './password-reset-token.entity';
import { generateResetToken, hashResetToken } from './reset-token';

/** A freshly issued token. `token` is the only copy of the raw value: it goes into the email and nowhere else. */
export interface IssuedResetToken {
  token: string;
  expiresAt: Date;
}

/** A stored token found by its hash, not yet used. */
export interface LiveResetToken {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** The one place that reads and writes `password_reset_tokens`. */
@Injectable()
export class ResetTokensService {
  constructor(
    private readonly db: UnitOfWork,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {}

  /**
   * Issues a token for the account, replacing its previous one in the same statement: the unique
   * `user_id` makes "one live link per account" the database's rule, whatever runs concurrently.
   * It lives `lifetimeMs` (an invitation's is longer), by default `tokenTtlMinutes`.
   */
  async issue(
    userId: string,
    now = new Date(),
    lifetimeMs = this.settings.tokenTtlMinutes * 60_000,
  ): Promise<IssuedResetToken> {
    const token = generateResetToken();
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    await this.db.run(async (manager) => {
      const sql = new RawSql(manager);
      const at = (date: Date) => sql.date(PasswordResetToken, 'expiresAt', date);
      const q = sql.params();
      await sql.rows(
        `INSERT INTO ${sql.table(PasswordResetToken)} (id, user_id, token_hash, expires_at, created_at) ` +
          `VALUES (${q.add(randomUUID())}, ${q.add(userId)}, ${q.add(hashResetToken(token))}, ` +
          `${q.add(at(expiresAt))}, ${q.add(at(now))}) ON CONFLICT (user_id) DO UPDATE SET ` +
          `id = excluded.id, token_hash = excluded.token_hash, expires_at = excluded.expires_at, ` +
          `created_at = excluded.created_at`,
        q.values,
      );
    });
    return { token, expiresAt };
  }

  /** Looks a token up without using it. Unknown and expired tokens both give `null`. */
  async findLive(token: string, now = new Date()): Promise<LiveResetToken | null> {
    const row = await this.db.run((manager) =>
      manager.getRepository(PasswordResetToken).findOneBy({ tokenHash: hashResetToken(token) }),
    );
    if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
    return { id: row.id, userId: row.userId, expiresAt: row.expiresAt };
  }

  /**
   * Uses a token up in a single `DELETE … RETURNING`, so of any number of concurrent callers exactly
   * one gets the account id back; the rest get `null`. Run it inside the transaction that changes the password.
   */
  async consume(id: string, manager: EntityManager, now = new Date()): Promise<string | null> {
    const sql = new RawSql(manager);
    const q = sql.params();
    const rows = await sql.rows<{ user_id: string }>(
      `DELETE FROM ${sql.table(PasswordResetToken)} WHERE id = ${q.add(id)} ` +
        `AND expires_at > ${q.add(sql.date(PasswordResetToken, 'expiresAt', now))} RETURNING user_id`,
      q.values,
    );
    return rows[0]?.user_id ?? null;
  }

  /** Removes expired tokens (the scheduled purge). Returns how many went. */
  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.db.run((manager) =>
      manager.getRepository(PasswordResetToken).delete({ expiresAt: LessThanOrEqual(now) }),
    );
    return result.affected ?? 0;
  }

  /** Ends every outstanding link of the account (after login, password change, reset, or its deletion). */
  async revokeAllForUser(userId: string, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) => m.getRepository(PasswordResetToken).delete({ userId }));
  }
}
