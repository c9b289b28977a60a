import { Inject, Injectable } from '@nestjs/common';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { RawSql } from '../database/raw-sql';
import { UnitOfWork } from '../database/unit-of-work';
import { AddressKeys } from '../limits/per-address/address-keys';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { PasswordResetToken } from './password-reset-token.entity';
import { generateResetCode, RESET_CODE_MAX_WRONG_TRIES } from './reset-code';
import { generateResetToken, hashResetToken } from './reset-token';

/** A freshly issued token. `token` is the only copy of the raw value: it goes into the email and nowhere else. */
export interface IssuedResetToken {
  token: string;
  expiresAt: Date;
  /** With `resetCode.enabled`: the code sent beside the link (8 digits, its only copy), and its end. */
  code?: string;
  codeExpiresAt?: Date;
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
    private readonly keys: AddressKeys,
  ) {}

  /**
   * Issues a token for the account, replacing its previous one in the same statement: the unique
   * `user_id` makes "one live link per account" the database's rule, whatever runs concurrently.
   * It lives `lifetimeMs` (an invitation's is longer), by default `tokenTtlMinutes`. With
   * `resetCode.enabled` and `withCode`, the row also gets a fresh code of its own lifetime, so the
   * account's code is replaced with its link.
   */
  async issue(
    userId: string,
    now = new Date(),
    lifetimeMs = this.settings.tokenTtlMinutes * 60_000,
    withCode = true,
  ): Promise<IssuedResetToken> {
    const token = generateResetToken();
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    const code = withCode && this.settings.resetCode.enabled ? generateResetCode() : undefined;
    const codeExpiresAt = code
      ? new Date(now.getTime() + this.settings.resetCode.ttlMinutes * 60_000)
      : undefined;
    await this.db.run(async (manager) => {
      const sql = new RawSql(manager);
      const at = (date: Date) => sql.date(PasswordResetToken, 'expiresAt', date);
      const q = sql.params();
      await sql.rows(
        `INSERT INTO ${sql.table(PasswordResetToken)} (id, user_id, token_hash, expires_at, created_at, ` +
          `code_hash, code_expires_at, code_attempts) ` +
          `VALUES (${q.add(randomUUID())}, ${q.add(userId)}, ${q.add(hashResetToken(token))}, ` +
          `${q.add(at(expiresAt))}, ${q.add(at(now))}, ` +
          `${q.add(code ? this.codeHash(userId, code) : null)}, ` +
          `${q.add(codeExpiresAt ? at(codeExpiresAt) : null)}, 0) ON CONFLICT (user_id) DO UPDATE SET ` +
          `id = excluded.id, token_hash = excluded.token_hash, expires_at = excluded.expires_at, ` +
          `created_at = excluded.created_at, code_hash = excluded.code_hash, ` +
          `code_expires_at = excluded.code_expires_at, code_attempts = 0`,
        q.values,
      );
    });
    return code ? { token, expiresAt, code, codeExpiresAt } : { token, expiresAt };
  }

  /**
   * What the row stores of the account's code (its 8 digits): an HMAC under the address-key secret,
   * bound to the account. A plain hash would not do: all 10^8 codes are hashed in a moment.
   */
  codeHash(userId: string, digits: string): string {
    return this.keys.of(userId, `reset code ${digits}`);
  }

  /**
   * Checks a code (by {@link codeHash}) against the account's live, unburnt code, counting a wrong
   * one in the same statement: concurrent tries take their turns on the row, so however many
   * arrive together, no more than five are ever compared. Gives the code's expiry when it matches,
   * else `null`. Uses nothing up. An account without a row (or an id that is no account) costs the
   * same statement.
   */
  async checkCode(userId: string, codeHash: string, now = new Date()): Promise<Date | null> {
    return this.db.run(async (manager) => {
      const sql = new RawSql(manager);
      const q = sql.params();
      const hash = q.add(codeHash);
      const [row] = await sql.rows<{ code_hash: string; code_expires_at: unknown }>(
        `UPDATE ${sql.table(PasswordResetToken)} SET code_attempts = code_attempts + ` +
          `CASE WHEN code_hash = ${hash} THEN 0 ELSE 1 END ` +
          `WHERE ${this.liveCode(sql, q, userId, now)} RETURNING code_hash, code_expires_at`,
        q.values,
      );
      if (!row || !sameHex(row.code_hash, codeHash)) return null;
      return sql.readDate(PasswordResetToken, 'codeExpiresAt', row.code_expires_at);
    });
  }

  /**
   * Uses the account's code up, and its link with it, in a single `DELETE … RETURNING`: of any
   * number of concurrent callers with the right code, exactly one gets `true`. Run it inside the
   * transaction that changes the password.
   */
  async consumeCode(
    userId: string,
    codeHash: string,
    manager: EntityManager,
    now = new Date(),
  ): Promise<boolean> {
    const sql = new RawSql(manager);
    const q = sql.params();
    const rows = await sql.rows<{ user_id: string }>(
      `DELETE FROM ${sql.table(PasswordResetToken)} WHERE code_hash = ${q.add(codeHash)} ` +
        `AND ${this.liveCode(sql, q, userId, now)} RETURNING user_id`,
      q.values,
    );
    return rows.length === 1;
  }

  /** The account's row while its code is live: issued, not expired, not burnt. */
  private liveCode(
    sql: RawSql,
    q: ReturnType<RawSql['params']>,
    userId: string,
    now: Date,
  ): string {
    return (
      `user_id = ${q.add(userId)} AND code_hash IS NOT NULL ` +
      `AND code_expires_at > ${q.add(sql.date(PasswordResetToken, 'codeExpiresAt', now))} ` +
      `AND code_attempts < ${RESET_CODE_MAX_WRONG_TRIES}`
    );
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

/** Two hex digests compared in constant time. */
function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a.trim(), 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
