import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { throttleConfig } from '../config/throttle.config';
import { RawSql } from '../database/raw-sql';
import { addressKey } from './address-key';
import { ResetEmailCooldown } from './reset-email-cooldown.entity';

/**
 * At most one reset email per address per cooldown, for known and unknown addresses alike, so it
 * neither floods an inbox nor tells anyone which addresses have accounts.
 */
@Injectable()
export class EmailCooldownService {
  constructor(
    @InjectEntityManager() private readonly entityManager: EntityManager,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  /**
   * Starts a cooldown for the address and returns true, or returns false if one is running. One
   * upsert decides, so of concurrent callers (on any instance) only one can win.
   */
  async tryAcquire(
    email: string,
    now = new Date(),
    manager = this.entityManager,
  ): Promise<boolean> {
    if (this.config.resetEmailCooldownSeconds === 0) return true;
    const sql = new RawSql(manager);
    const until = new Date(now.getTime() + this.config.resetEmailCooldownSeconds * 1000);
    const table = sql.table(ResetEmailCooldown);
    const at = (date: Date) => sql.date(ResetEmailCooldown, 'cooldownUntil', date);
    const q = sql.params();
    const rows = await sql.rows<{ key_hash: string }>(
      `INSERT INTO ${table} (key_hash, cooldown_until) VALUES (${q.add(addressKey(email))}, ${q.add(at(until))}) ` +
        `ON CONFLICT (key_hash) DO UPDATE SET cooldown_until = excluded.cooldown_until ` +
        `WHERE ${table}.cooldown_until <= ${q.add(at(now))} RETURNING key_hash`,
      q.values,
    );
    return rows.length === 1;
  }

  /** Removes cooldowns that have run out (the scheduled purge). */
  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.entityManager
      .getRepository(ResetEmailCooldown)
      .delete({ cooldownUntil: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }
}
