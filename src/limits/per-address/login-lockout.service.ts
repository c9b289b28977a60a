import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, IsNull, LessThanOrEqual, Or } from 'typeorm';
import { RawSql } from '../../database/raw-sql';
import { UnitOfWork } from '../../database/unit-of-work';
import { PASSWORD_RESET_SETTINGS } from '../../password-reset.constants';
import type { PasswordResetSettings } from '../../password-reset.options';
import { AddressKeys } from './address-keys';
import { clientNetwork } from './client-network';
import { LoginFailure } from './login-failure.entity';

/** One of the two counts a login attempt goes into. */
interface FailureCount {
  keyHash: string;
  max: number;
  windowSeconds: number;
}

/**
 * Locks logins for an address after repeated failures, for known and unknown addresses alike so that
 * the lock reveals nothing. Failures count per address and client network (IPv4 /24, IPv6 /56)
 * against `LOGIN_MAX_FAILURES`, and, unless that network is already refused, per address alone against
 * the much higher `LOGIN_MAX_FAILURES_PER_ADDRESS`. So one attacker's network is locked out of an
 * account long before its owner, elsewhere, is, and however long it keeps guessing it adds at most
 * `LOGIN_MAX_FAILURES` a window to the address's count: only attempts from many networks lock the
 * address itself. A successful login clears its network's count; a password change or reset clears
 * every count of the address.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    private readonly db: UnitOfWork,
    private readonly keys: AddressKeys,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly config: PasswordResetSettings,
  ) {}

  /**
   * Counts a login attempt against the address before its password is checked, and says whether it
   * may go on. Counting first, in one upsert per count, is what stops a burst of simultaneous guesses:
   * each gets its own number, and only the first ones of a window are let through. The network's
   * number decides first: an attempt its network refuses is not counted for the address, which is what
   * keeps one network from locking the owner out of every other. The attempt that reaches a limit
   * locks for that count's window.
   */
  async attempt(email: string, clientIp: string, now = new Date()): Promise<boolean> {
    const addressKey = this.addressKey(email);
    const [network, address] = this.counts(email, clientIp);
    if (!(await this.count(network, addressKey, now))) return false;
    return this.count(address, addressKey, now);
  }

  async isLocked(email: string, clientIp: string, now = new Date()): Promise<boolean> {
    for (const { keyHash } of this.counts(email, clientIp)) {
      const row = await this.db.run((manager) =>
        manager.getRepository(LoginFailure).findOneBy({ keyHash }),
      );
      if (row?.lockedUntil != null && row.lockedUntil.getTime() > now.getTime()) return true;
    }
    return false;
  }

  /** After a successful login: forgets the failures from that client's network. */
  async clearNetwork(email: string, clientIp: string): Promise<void> {
    const [network] = this.counts(email, clientIp);
    await this.db.run((manager) =>
      manager.getRepository(LoginFailure).delete({ keyHash: network.keyHash }),
    );
  }

  /** After a password change or reset: forgets every count and lock of the address. */
  async clear(email: string, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) =>
      m.getRepository(LoginFailure).delete({ addressKey: this.addressKey(email) }),
    );
  }

  /** Removes, in one statement, rows whose window and lock have both run out (the scheduled purge). */
  async purgeExpired(now = new Date()): Promise<number> {
    const longest = Math.max(
      this.config.limits.loginFailureWindowSeconds,
      this.config.limits.loginFailureWindowPerAddressSeconds,
    );
    const result = await this.db.run((manager) =>
      manager.getRepository(LoginFailure).delete({
        windowStartedAt: LessThanOrEqual(new Date(now.getTime() - longest * 1000)),
        lockedUntil: Or(IsNull(), LessThanOrEqual(now)),
      }),
    );
    return result.affected ?? 0;
  }

  private addressKey(email: string): string {
    return this.keys.of(email, 'login');
  }

  /** The network's count first: it decides whether the address's counts, and a login clears it. */
  private counts(email: string, clientIp: string): [FailureCount, FailureCount] {
    return [
      {
        keyHash: this.keys.of(email, `login from ${clientNetwork(clientIp)}`),
        max: this.config.limits.loginMaxFailures,
        windowSeconds: this.config.limits.loginFailureWindowSeconds,
      },
      {
        keyHash: this.addressKey(email),
        max: this.config.limits.loginMaxFailuresPerAddress,
        windowSeconds: this.config.limits.loginFailureWindowPerAddressSeconds,
      },
    ];
  }

  private count(count: FailureCount, addressKey: string, now: Date): Promise<boolean> {
    return this.db.run((manager) => this.countIn(manager, count, addressKey, now));
  }

  private async countIn(
    manager: EntityManager,
    count: FailureCount,
    addressKey: string,
    now: Date,
  ): Promise<boolean> {
    const sql = new RawSql(manager);
    const table = sql.table(LoginFailure);
    const at = (date: Date) => sql.date(LoginFailure, 'windowStartedAt', date);
    const windowStart = new Date(now.getTime() - count.windowSeconds * 1000);
    const q = sql.params();
    // A count older than the window starts again at 1.
    const statement =
      `INSERT INTO ${table} (key_hash, address_key, failures, window_started_at) ` +
      `VALUES (${q.add(count.keyHash)}, ${q.add(addressKey)}, 1, ${q.add(at(now))}) ` +
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
    if (failures >= count.max) await this.lock(manager, count, now);
    return failures <= count.max;
  }

  /** Starts a lock for the count's window, unless one is running already. */
  private async lock(manager: EntityManager, count: FailureCount, now: Date): Promise<void> {
    const sql = new RawSql(manager);
    const until = new Date(now.getTime() + count.windowSeconds * 1000);
    const q = sql.params();
    await sql.rows(
      `UPDATE ${sql.table(LoginFailure)} SET locked_until = ${q.add(sql.date(LoginFailure, 'lockedUntil', until))} ` +
        `WHERE key_hash = ${q.add(count.keyHash)} ` +
        `AND (locked_until IS NULL OR locked_until <= ${q.add(sql.date(LoginFailure, 'lockedUntil', now))})`,
      q.values,
    );
  }
}
