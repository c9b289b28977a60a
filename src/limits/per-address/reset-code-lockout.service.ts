import { Injectable } from '@nestjs/common';
import { LessThanOrEqual } from 'typeorm';
import { RawSql } from '../../database/raw-sql';
import { UnitOfWork } from '../../database/unit-of-work';
import { AddressKeys } from './address-keys';
import { clientNetwork } from './client-network';
import { ResetCodeFailure } from './reset-code-failure.entity';

/** Wrong codes an address takes from one network in a window before that network is refused. */
export const RESET_CODE_MAX_FAILURES = 10;
/** The window they are counted in; a refusal lasts until it ends. */
export const RESET_CODE_FAILURE_WINDOW_MS = 15 * 60_000;

/**
 * Counts wrong reset codes per address (known or not, so a refusal reveals nothing) and client
 * network (IPv4 /24, IPv6 /56). Each code is burnt after five wrong tries anyway; this stops one
 * network from asking for code after code and guessing each: past the limit, every code it sends
 * for that address is refused, the right one too, until the window ends. The owner, on another
 * network, is not affected. Kept apart from failed logins, which lock something else.
 */
@Injectable()
export class ResetCodeLockoutService {
  constructor(
    private readonly db: UnitOfWork,
    private readonly keys: AddressKeys,
  ) {}

  /** Whether codes for this address from this client's network are refused for now. */
  async isLocked(email: string, clientIp: string | undefined, now = new Date()): Promise<boolean> {
    const row = await this.db.run((manager) =>
      manager.getRepository(ResetCodeFailure).findOneBy({ keyHash: this.key(email, clientIp) }),
    );
    return (
      row !== null &&
      row.failures >= RESET_CODE_MAX_FAILURES &&
      row.windowStartedAt.getTime() > now.getTime() - RESET_CODE_FAILURE_WINDOW_MS
    );
  }

  /** Counts a wrong code, in one upsert; a count whose window has ended starts again at 1. */
  async countFailure(email: string, clientIp: string | undefined, now = new Date()): Promise<void> {
    await this.db.run(async (manager) => {
      const sql = new RawSql(manager);
      const table = sql.table(ResetCodeFailure);
      const at = (date: Date) => sql.date(ResetCodeFailure, 'windowStartedAt', date);
      const windowStart = at(new Date(now.getTime() - RESET_CODE_FAILURE_WINDOW_MS));
      // Placeholders in the order they appear: SQLite's are positional.
      const q = sql.params();
      await sql.rows(
        `INSERT INTO ${table} (key_hash, failures, window_started_at) ` +
          `VALUES (${q.add(this.key(email, clientIp))}, 1, ${q.add(at(now))}) ` +
          `ON CONFLICT (key_hash) DO UPDATE SET ` +
          `failures = CASE WHEN ${table}.window_started_at <= ${q.add(windowStart)} THEN 1 ELSE ${table}.failures + 1 END, ` +
          `window_started_at = CASE WHEN ${table}.window_started_at <= ${q.add(windowStart)} ` +
          `THEN excluded.window_started_at ELSE ${table}.window_started_at END`,
        q.values,
      );
    });
  }

  /** Removes counts whose window has ended (the scheduled purge). Returns how many went. */
  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.db.run((manager) =>
      manager.getRepository(ResetCodeFailure).delete({
        windowStartedAt: LessThanOrEqual(new Date(now.getTime() - RESET_CODE_FAILURE_WINDOW_MS)),
      }),
    );
    return result.affected ?? 0;
  }

  private key(email: string, clientIp: string | undefined): string {
    return this.keys.of(email, `reset code from ${clientNetwork(clientIp ?? '')}`);
  }
}
