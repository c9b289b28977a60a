import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { throttleConfig } from '../config/throttle.config';
import { RawSql } from '../database/raw-sql';
import { addressKey } from './address-key';
import { LoginFailure } from './login-failure.entity';

/**
 * Locks logins for an address after too many failures in the window, for known and unknown addresses
 * alike so that the lock reveals nothing. A password reset lifts it.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    @InjectEntityManager() private readonly entityManager: EntityManager,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  async isLocked(email: string, now = new Date()): Promise<boolean> {
    const row = await this.entityManager
      .getRepository(LoginFailure)
      .findOneBy({ keyHash: addressKey(email) });
    return row?.lockedUntil != null && row.lockedUntil.getTime() > now.getTime();
  }

  /** Counts a failure; the one that reaches the limit starts the lock. */
  async recordFailure(email: string, now = new Date()): Promise<void> {
    const sql = new RawSql(this.entityManager);
    const table = sql.table(LoginFailure);
    const key = addressKey(email);
    const windowMs = this.config.loginFailureWindowSeconds * 1000;
    const at = (date: Date) => sql.date(LoginFailure, 'windowStartedAt', date);
    // A failure after the window has run out starts a new window at 1.
    const [row] = await sql.rows<{ failures: number }>(
      `INSERT INTO ${table} (key_hash, failures, window_started_at) VALUES (${sql.p(1)}, 1, ${sql.p(2)}) ` +
        `ON CONFLICT (key_hash) DO UPDATE SET ` +
        `failures = CASE WHEN ${table}.window_started_at <= ${sql.p(3)} THEN 1 ELSE ${table}.failures + 1 END, ` +
        `window_started_at = CASE WHEN ${table}.window_started_at <= ${sql.p(4)} THEN excluded.window_started_at ` +
        `ELSE ${table}.window_started_at END ` +
        `RETURNING failures`,
      [
        key,
        at(now),
        at(new Date(now.getTime() - windowMs)),
        at(new Date(now.getTime() - windowMs)),
      ],
    );
    if (Number(row.failures) >= this.config.loginMaxFailures) {
      await this.entityManager
        .getRepository(LoginFailure)
        .update({ keyHash: key }, { lockedUntil: new Date(now.getTime() + windowMs) });
    }
  }

  /** Forgets the failures and any lock (after a reset or a successful login). */
  async clear(email: string, manager = this.entityManager): Promise<void> {
    await manager.getRepository(LoginFailure).delete({ keyHash: addressKey(email) });
  }

  /** Removes rows whose window and lock have both run out (the scheduled purge). */
  async purgeExpired(now = new Date()): Promise<number> {
    const windowStart = new Date(now.getTime() - this.config.loginFailureWindowSeconds * 1000);
    const rows = await this.entityManager.getRepository(LoginFailure).findBy({
      windowStartedAt: LessThanOrEqual(windowStart),
    });
    const stale = rows.filter(
      (row) => !row.lockedUntil || row.lockedUntil.getTime() <= now.getTime(),
    );
    if (stale.length === 0) return 0;
    await this.entityManager.getRepository(LoginFailure).delete(stale.map((row) => row.keyHash));
    return stale.length;
  }
}
