import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { RawSql } from '../../database/raw-sql';
import { UnitOfWork } from '../../database/unit-of-work';
import { PASSWORD_RESET_SETTINGS } from '../../password-reset.constants';
import type { PasswordResetSettings } from '../../password-reset.options';
import { AddressKeys } from './address-keys';
import { clientNetwork } from './client-network';
import { ResetEmailCooldown } from './reset-email-cooldown.entity';

const DAY_MS = 24 * 3_600_000;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The network of requests that came without a client IP (a host calling the service from its own
 * code without one): they all count as one network, so for them the per-network rules are as strict
 * as a single per-address rule, and as easy for others to use up.
 */
const UNKNOWN_NETWORK = 'unknown network';

/** A reset email asked for: the normalised address, the client's IP if known, and when. */
export interface ResetEmailRequest {
  email: string;
  clientIp?: string;
  now: Date;
}

/** One count a reset email goes into: a row, and the rules it is held to. */
interface EmailCount {
  keyHash: string;
  cooldownSeconds: number;
  dailyLimit: number;
}

/**
 * At most one reset email per address and client network (IPv4 /24, IPv6 /56) per cooldown, and at
 * most `RESET_EMAIL_DAILY_LIMIT` of them in 24 hours; and at most `RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS`
 * per address from all networks together. So one network cannot use up the emails the owner asks
 * for from another, and many networks together can send an inbox only so many. Known and unknown
 * addresses alike (the same statements), so the rules neither flood an inbox nor tell anyone which
 * addresses have accounts.
 */
@Injectable()
export class EmailCooldownService {
  constructor(
    private readonly db: UnitOfWork,
    private readonly keys: AddressKeys,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly config: PasswordResetSettings,
  ) {}

  /** Whether any rule is on; with all off, {@link acquireAll} allows everything without a statement. */
  get enabled(): boolean {
    return this.networkRulesOn || this.config.limits.resetEmailDailyLimitPerAddress > 0;
  }

  private get networkRulesOn(): boolean {
    return (
      this.config.limits.resetEmailCooldownSeconds > 0 ||
      this.config.limits.resetEmailDailyLimit > 0
    );
  }

  /**
   * Counts one reset email for the address from the client's network (`clientIp`; without it, the
   * one network of IP-less requests) and returns true, or returns false if a rule refuses it.
   */
  async tryAcquire(email: string, now = new Date(), clientIp?: string): Promise<boolean> {
    const [allowed] = await this.acquireAll([{ email, clientIp, now }]);
    return allowed;
  }

  /**
   * Counts each request and says, in their order, which may send an email. Each count is one upsert
   * that decides on its own, so of concurrent callers (on any instance) only as many win as the
   * rules allow. A request counts for its network first and for the address only if its network
   * allowed it, so a capped network that keeps asking never spends the owner's emails; if the
   * address's cap then refuses it, its network's count is given back, so the owner's own network
   * is not used up by requests that sent nothing. (Without a transaction, a request from the same
   * network between the two statements may be refused, never let through.)
   *
   * Within a transaction the rows are taken in one order, whatever the order of the requests:
   * address by address, and for each its network rows (by network) before its own row. On
   * PostgreSQL several of these transactions run at once, and two that locked the same rows in
   * different orders would deadlock until the server broke it up, a second later, failing one.
   */
  async acquireAll(
    requests: readonly ResetEmailRequest[],
    manager?: EntityManager,
  ): Promise<boolean[]> {
    if (!this.enabled) return requests.map(() => true);
    const counted = requests
      .map((request, index) => ({ ...request, index, ...this.counts(request) }))
      .sort(
        (a, b) =>
          compare(a.email, b.email) ||
          compare(a.network?.keyHash ?? '', b.network?.keyHash ?? '') ||
          a.index - b.index,
      );
    const byAddress = new Map<string, typeof counted>();
    for (const item of counted) {
      const group = byAddress.get(item.email);
      if (group) group.push(item);
      else byAddress.set(item.email, [item]);
    }
    return this.db.with(manager, async (m) => {
      const verdicts = requests.map(() => true);
      for (const sameAddress of byAddress.values()) {
        for (const { network, now, index } of sameAddress) {
          if (network) verdicts[index] = await this.take(m, network, now);
        }
        // The address's row last, for its requests in the order they came.
        const passed = sameAddress
          .filter(({ index }) => verdicts[index])
          .sort((a, b) => a.index - b.index);
        for (const { address, network, now, index } of passed) {
          if (!address || (await this.take(m, address, now))) continue;
          verdicts[index] = false;
          if (network) await this.giveBack(m, network, now);
        }
      }
      return verdicts;
    });
  }

  /** The counts a request goes into; those whose rules are off are left out. */
  private counts({ email, clientIp }: ResetEmailRequest): {
    network?: EmailCount;
    address?: EmailCount;
  } {
    const { resetEmailCooldownSeconds, resetEmailDailyLimit, resetEmailDailyLimitPerAddress } =
      this.config.limits;
    const network = clientIp ? clientNetwork(clientIp) : UNKNOWN_NETWORK;
    return {
      network: this.networkRulesOn
        ? {
            keyHash: this.keys.of(email, `reset email from ${network}`),
            cooldownSeconds: resetEmailCooldownSeconds,
            dailyLimit: resetEmailDailyLimit,
          }
        : undefined,
      // The address alone, keyed as the one count of earlier versions was: its day carries over.
      address:
        resetEmailDailyLimitPerAddress > 0
          ? {
              keyHash: this.keys.of(email),
              cooldownSeconds: 0,
              dailyLimit: resetEmailDailyLimitPerAddress,
            }
          : undefined,
    };
  }

  /** One upsert: counts the email in the row and returns true, unless the row's rules refuse it. */
  private async take(manager: EntityManager, count: EmailCount, now: Date): Promise<boolean> {
    const sql = new RawSql(manager);
    const table = sql.table(ResetEmailCooldown);
    const at = (date: Date) => sql.date(ResetEmailCooldown, 'cooldownUntil', date);
    const until = new Date(now.getTime() + count.cooldownSeconds * 1000);
    const dayAgo = new Date(now.getTime() - DAY_MS);
    const q = sql.params();
    const insert =
      `INSERT INTO ${table} (key_hash, cooldown_until, day_started_at, day_count) ` +
      `VALUES (${q.add(count.keyHash)}, ${q.add(at(until))}, ${q.add(at(now))}, 1) `;
    // A day that began more than 24 hours ago starts again with this email. Each use binds its own
    // parameter: SQLite's placeholders are positional.
    const dayOver = () => `${table}.day_started_at <= ${q.add(at(dayAgo))}`;
    const update =
      `ON CONFLICT (key_hash) DO UPDATE SET cooldown_until = excluded.cooldown_until, ` +
      `day_count = CASE WHEN ${dayOver()} THEN 1 ELSE ${table}.day_count + 1 END, ` +
      `day_started_at = CASE WHEN ${dayOver()} THEN excluded.day_started_at ELSE ${table}.day_started_at END `;
    const rules: string[] = [];
    if (count.cooldownSeconds > 0) rules.push(`${table}.cooldown_until <= ${q.add(at(now))}`);
    if (count.dailyLimit > 0) {
      rules.push(`(${dayOver()} OR ${table}.day_count < ${q.add(count.dailyLimit)})`);
    }
    const rows = await sql.rows<{ key_hash: string }>(
      `${insert}${update}WHERE ${rules.join(' AND ')} RETURNING key_hash`,
      q.values,
    );
    return rows.length === 1;
  }

  /**
   * Undoes a {@link take} of this transaction that sent nothing: one email fewer, and the cooldown
   * over at `now` (it was over when the take began, or the take would have failed).
   */
  private async giveBack(manager: EntityManager, count: EmailCount, now: Date): Promise<void> {
    const sql = new RawSql(manager);
    const q = sql.params();
    await sql.rows(
      `UPDATE ${sql.table(ResetEmailCooldown)} SET ` +
        `cooldown_until = ${q.add(sql.date(ResetEmailCooldown, 'cooldownUntil', now))}, ` +
        `day_count = CASE WHEN day_count > 0 THEN day_count - 1 ELSE 0 END ` +
        `WHERE key_hash = ${q.add(count.keyHash)}`,
      q.values,
    );
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
