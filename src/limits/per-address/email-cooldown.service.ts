import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { RawSql } from '../../database/raw-sql';
import { UnitOfWork } from '../../database/unit-of-work';
import { PASSWORD_RESET_SETTINGS } from '../../password-reset.constants';
import type { PasswordResetSettings } from '../../password-reset.options';
import { AddressKeys } from './address-keys';
import { ResetEmailCooldown } from './reset-email-cooldown.entity';

const DAY_MS = 24 * 3_600_000;

/**
 * At most one reset email per address per cooldown, and at most `RESET_EMAIL_DAILY_LIMIT` in 24 hours,
 * for known and unknown addresses alike, so it neither floods an inbox nor tells anyone which
 * addresses have accounts.
 */
@Injectable()
export class EmailCooldownService {
  constructor(
    private readonly db: UnitOfWork,
    private readonly keys: AddressKeys,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly config: PasswordResetSettings,
  ) {}

  /** Whether either rule is on; with both off, {@link tryAcquire} allows everything without a statement. */
  get enabled(): boolean {
    const { resetEmailCooldownSeconds: cooldown, resetEmailDailyLimit: daily } = this.config;
    return cooldown > 0 || daily > 0;
  }

  /**
   * Counts a reset email for the address and returns true, or returns false if its cooldown is running
   * or its day's emails are used up. One upsert decides, so of concurrent callers (on any instance)
   * only as many win as the rules allow.
   */
  async tryAcquire(email: string, now = new Date(), manager?: EntityManager): Promise<boolean> {
    if (!this.enabled) return true;
    const { resetEmailCooldownSeconds: cooldown, resetEmailDailyLimit: daily } = this.config;
    return this.db.with(manager, (m) => this.acquire(m, email, now, cooldown, daily));
  }

  private async acquire(
    manager: EntityManager,
    email: string,
    now: Date,
    cooldown: number,
    daily: number,
  ): Promise<boolean> {
    const sql = new RawSql(manager);
    const table = sql.table(ResetEmailCooldown);
    const at = (date: Date) => sql.date(ResetEmailCooldown, 'cooldownUntil', date);
    const until = new Date(now.getTime() + cooldown * 1000);
    const dayAgo = new Date(now.getTime() - DAY_MS);
    const q = sql.params();
    const insert =
      `INSERT INTO ${table} (key_hash, cooldown_until, day_started_at, day_count) ` +
      `VALUES (${q.add(this.keys.of(email))}, ${q.add(at(until))}, ${q.add(at(now))}, 1) `;
    // A day that began more than 24 hours ago starts again with this email. Each use binds its own
    // parameter: SQLite's placeholders are positional.
    const dayOver = () => `${table}.day_started_at <= ${q.add(at(dayAgo))}`;
    const update =
      `ON CONFLICT (key_hash) DO UPDATE SET cooldown_until = excluded.cooldown_until, ` +
      `day_count = CASE WHEN ${dayOver()} THEN 1 ELSE ${table}.day_count + 1 END, ` +
      `day_started_at = CASE WHEN ${dayOver()} THEN excluded.day_started_at ELSE ${table}.day_started_at END `;
    const cooledDown = `${table}.cooldown_until <= ${q.add(at(now))}`;
    const dayLeft =
      daily === 0 ? '' : ` AND (${dayOver()} OR ${table}.day_count < ${q.add(daily)})`;
    const rows = await sql.rows<{ key_hash: string }>(
      `${insert}${update}WHERE ${cooledDown}${dayLeft} RETURNING key_hash`,
      q.values,
    );
    return rows.length === 1;
  }

  /** Removes rows whose cooldown and day have both run out (the scheduled purge). */
  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.db.run((manager) =>
      manager.getRepository(ResetEmailCooldown).delete({
        cooldownUntil: LessThanOrEqual(now),
        dayStartedAt: LessThanOrEqual(new Date(now.getTime() - DAY_MS)),
      }),
    );
    return result.affected ?? 0;
  }
}
