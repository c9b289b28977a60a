import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager, IsNull, LessThanOrEqual, Or } from 'typeorm';
import { throttleConfig } from '../config/throttle.config';
import { RawSql } from '../database/raw-sql';
import { addressKey } from './address-key';
import { LoginFailure } from './login-failure.entity';

/**
 * Locks logins for an address after `LOGIN_MAX_FAILURES` failed attempts in the window, for known and
 * unknown addresses alike so that the lock reveals nothing. A successful login or a password reset
 * clears the count.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    @InjectEntityManager() private readonly entityManager: EntityManager,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  /**
   * Counts a login attempt against the address before its password is checked, and says whether it
   * may go on. Counting first, in one upsert, is what stops a burst of simultaneous guesses: each one
   * gets its own number, and only the first `LOGIN_MAX_FAILURES` of a window are let through. The
   * attempt that reaches the limit locks the address for the window; success clears it all.
   */
  async attempt(email: string, now = new Date()): Promise<boolean> {
    const sql = new RawSql(this.entityManager);
    const table = sql.table(LoginFailure);
    const at = (date: Date) => sql.date(LoginFailure, 'windowStartedAt', date);
    const windowStart = new Date(now.getTime() - this.config.loginFailureWindowSeconds * 1000);
    const q = sql.params();
    // A count older than the window starts again at 1.
    const statement =
      `INSERT INTO ${table} (key_hash, failures, window_started_at) VALUES (${q.add(addressKey(email))}, 1, ${q.add(at(now))}) ` +
      `ON CONFLICT (key_hash) DO UPDATE SET ` +
      `failures = CASE WHEN ${table}.window_started_at <= ${q.add(at(windowStart))} THEN 1 ELSE ${table}.failures + 1 END, ` +
      `window_started_at = CASE WHEN ${table}.window_started_at <= ${q.add(at(windowStart))} ` +
      `THEN excluded.window_started_at ELSE ${table}.window_started_at END ` +
      `RETURNING failures, locked_until`;
    const [row] = await sql.rows<{ failures: number | string; locked_until: unknown }>(
      statement,
      q.values,
    );
    const lockedUntil = sql.readDate(LoginFailure, 'lockedUntil', row.locked_until);
    if (lockedUntil && lockedUntil.getTime() > now.getTime()) return false;
    const failures = Number(row.failures);
    if (failures >= this.config.loginMaxFailures) await this.lock(email, now);
    return failures <= this.config.loginMaxFailures;
  }

  async isLocked(email: string, now = new Date()): Promise<boolean> {
    const row = await this.entityManager
      .getRepository(LoginFailure)
      .findOneBy({ keyHash: addressKey(email) });
    return row?.lockedUntil != null && row.lockedUntil.getTime() > now.getTime();
  }

  /** Forgets the count and any lock (after a successful login or a reset). */
  async clear(email: string, manager = this.entityManager): Promise<void> {
    await manager.getRepository(LoginFailure).delete({ keyHash: addressKey(email) });
  }

  /** Removes, in one statement, rows whose window and lock have both run out (the scheduled purge). */
  async purgeExpired(now = new Date()): Promise<number> {
    const windowStart = new Date(now.getTime() - this.config.loginFailureWindowSeconds * 1000);
    const result = await this.entityManager.getRepository(LoginFailure).delete({
      windowStartedAt: LessThanOrEqual(windowStart),
      lockedUntil: Or(IsNull(), LessThanOrEqual(now)),
    });
    return result.affected ?? 0;
  }

  /** Starts a lock for the window, unless one is running already. */
  private async lock(email: string, now: Date): Promise<void> {
    const sql = new RawSql(this.entityManager);
    const until = new Date(now.getTime() + this.config.loginFailureWindowSeconds * 1000);
    const q = sql.params();
    await sql.rows(
      `UPDATE ${sql.table(LoginFailure)} SET locked_until = ${q.add(sql.date(LoginFailure, 'lockedUntil', until))} ` +
        `WHERE key_hash = ${q.add(addressKey(email))} ` +
        `AND (locked_until IS NULL OR locked_until <= ${q.add(sql.date(LoginFailure, 'lockedUntil', now))})`,
      q.values,
    );
  }
}
