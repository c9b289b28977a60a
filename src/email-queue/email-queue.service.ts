import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, LessThanOrEqual } from 'typeorm';
import { RawSql } from '../database/raw-sql';
import { UnitOfWork } from '../database/unit-of-work';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { QueuedEmail, EmailKind, EmailStatus } from './queued-email.entity';

/** A request to record: what to send, to whom, and when it was asked for. */
export interface NewQueuedEmail {
  kind: EmailKind;
  email: string;
  status: EmailStatus.Pending | EmailStatus.Throttled;
  now: Date;
  /** When it may be sent first (default `now`). */
  dueAt?: Date;
  /** The language to write it in, a canonical BCP 47 tag (see {@link QueuedEmail.locale}). */
  locale?: string | null;
  /** The IANA time zone its dates are shown in. */
  timeZone?: string | null;
}

/** Emails waiting to go (or going) and emails given up on, for health checks. */
export interface EmailQueueCounts {
  pending: number;
  failed: number;
}

/**
 * A row this instance holds. Every status change names `claimId` and takes effect only while the row
 * still carries it, so an instance whose claim ran out and was taken over cannot settle the row.
 */
export interface ClaimedEmail {
  id: string;
  kind: EmailKind;
  email: string;
  /** Including the attempt this claim is for. */
  attempts: number;
  createdAt: Date;
  claimId: string;
  locale: string | null;
  timeZone: string | null;
}

/**
 * A live row (waiting or claimed), as literals: the partial index by address over these rows (see
 * the `EmailQueueLiveEmailIndex` migration) is only used when a statement's text implies this.
 */
const LIVE = `status IN ('${EmailStatus.Pending}', '${EmailStatus.Processing}')`;

/** Whatever an address looks like, so that no error text stored in the table keeps one. */
const ADDRESS_PATTERN = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;

/** An error as stored in `last_error`: one line, no address, at most 500 characters. */
export function storableError(error: string): string {
  return error.replace(ADDRESS_PATTERN, '[address]').slice(0, 500);
}

/**
 * The one place that reads and writes the email queue (`account_email_queue`): record, claim (safely across
 * instances), settle, count and purge. It knows rows and statuses, not what the emails say. The
 * statements on the request path and the delivery path are written in SQL: each is one statement,
 * built without TypeORM's query builder, which cost more than SQLite's own work.
 */
@Injectable()
export class EmailQueueService {
  constructor(
    private readonly db: UnitOfWork,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {}

  /** Records a request; pass the transaction's manager to make it part of a larger change. */
  async record(
    kind: EmailKind,
    email: string,
    status: EmailStatus.Pending | EmailStatus.Throttled,
    now = new Date(),
    manager?: EntityManager,
  ): Promise<string> {
    const [id] = await this.db.with(manager, (m) =>
      this.recordMany([{ kind, email, status, now }], m),
    );
    return id;
  }

  /**
   * Records several requests in one statement, inside the caller's transaction; returns their ids
   * in the same order.
   */
  async recordMany(requests: NewQueuedEmail[], manager: EntityManager): Promise<string[]> {
    const ids = requests.map(() => randomUUID());
    if (requests.length === 0) return ids;
    const sql = new RawSql(manager);
    const at = (date: Date) => sql.date(QueuedEmail, 'createdAt', date);
    const q = sql.params();
    const values = requests.map(({ kind, email, status, now, dueAt, locale, timeZone }, index) => {
      // A throttled request is settled the moment it is recorded, and never sent: whether or not
      // the address has an account, the row has no use for it.
      const throttled = status === EmailStatus.Throttled;
      const created = at(now);
      return (
        `(${q.add(ids[index])}, ${q.add(kind)}, ${q.add(throttled ? '' : email)}, ` +
        `${q.add(status)}, 0, ${q.add(dueAt ? at(dueAt) : created)}, ${q.add(created)}, ` +
        `${q.add(throttled ? created : null)}, ${q.add(locale ?? null)}, ${q.add(timeZone ?? null)})`
      );
    });
    await sql.rows(
      `INSERT INTO ${sql.table(QueuedEmail)} ` +
        `(id, kind, email, status, attempts, next_attempt_at, created_at, processed_at, locale, ` +
        `time_zone) VALUES ` +
        values.join(', '),
      q.values,
    );
    return ids;
  }

  /**
   * Claims up to `limit` due rows: new ones, retries whose time has come, and rows whose claim ran out
   * because the instance that held them died. One UPDATE picks and marks them, so no two claimers get
   * the same row: on PostgreSQL the picked rows are locked with `FOR UPDATE SKIP LOCKED` (concurrent
   * instances skip them); SQLite runs the statement under its single write lock.
   */
  claimDue(limit: number, now = new Date()): Promise<ClaimedEmail[]> {
    return this.db.run((manager) => this.claim(manager, limit, now));
  }

  private async claim(manager: EntityManager, limit: number, now: Date): Promise<ClaimedEmail[]> {
    const sql = new RawSql(manager);
    const table = sql.table(QueuedEmail);
    const at = (date: Date) => sql.date(QueuedEmail, 'nextAttemptAt', date);
    const claimId = randomUUID();
    const q = sql.params();
    const statement =
      `UPDATE ${table} SET status = ${q.add(EmailStatus.Processing)}, attempts = attempts + 1, ` +
      `claimed_until = ${q.add(at(this.claimedUntil(now)))}, claim_id = ${q.add(claimId)} ` +
      `WHERE id IN (SELECT id FROM ${table} WHERE ` +
      `(status = ${q.add(EmailStatus.Pending)} AND next_attempt_at <= ${q.add(at(now))}) ` +
      `OR (status = ${q.add(EmailStatus.Processing)} AND claimed_until <= ${q.add(at(now))}) ` +
      `ORDER BY next_attempt_at LIMIT ${q.add(limit)}${sql.isPostgres ? ' FOR UPDATE SKIP LOCKED' : ''}) ` +
      `RETURNING id, kind, email, attempts, created_at, locale, time_zone`;
    const rows = await sql.rows<{
      id: string;
      kind: EmailKind;
      email: string;
      attempts: number | string;
      created_at: unknown;
      locale: string | null;
      time_zone: string | null;
    }>(statement, q.values);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      email: row.email,
      attempts: Number(row.attempts),
      createdAt: sql.readDate(QueuedEmail, 'createdAt', row.created_at)!,
      claimId,
      locale: row.locale,
      timeZone: row.time_zone,
    }));
  }

  /**
   * Takes a fresh claim on one held row just before its email is sent, so that the send has the whole
   * claim timeout to itself however long the row waited in its batch. `null` if the row was taken over.
   */
  async renewClaim(request: ClaimedEmail, now = new Date()): Promise<ClaimedEmail | null> {
    const claimId = randomUUID();
    const taken = await this.settle([request], {
      claimed_until: this.claimedUntil(now),
      claim_id: claimId,
    });
    return taken.length === 1 ? { ...request, claimId } : null;
  }

  /** Whether this claim still holds the row (not taken over, not cancelled). */
  async isHeld(request: ClaimedEmail): Promise<boolean> {
    const held = await this.settle([request], { claim_id: request.claimId });
    return held.length === 1;
  }

  /** Sent. False if the claim had been taken over (the row is someone else's now). */
  async markDone(request: ClaimedEmail, now = new Date()): Promise<boolean> {
    const done = await this.settle([request], {
      status: EmailStatus.Done,
      processed_at: now,
      claimed_until: null,
      claim_id: null,
      last_error: null,
    });
    return done.length === 1;
  }

  /**
   * Reset requests for addresses without an account: settled with nothing sent, in one statement, and
   * the address removed from the row (it was kept only until the request was handled).
   */
  async markNoAccount(requests: ClaimedEmail[], now = new Date()): Promise<number> {
    const settled = await this.settle(requests, {
      status: EmailStatus.Done,
      email: '',
      processed_at: now,
      claimed_until: null,
      claim_id: null,
      last_error: null,
    });
    return settled.length;
  }

  async markRetry(request: ClaimedEmail, error: string, nextAttemptAt: Date): Promise<boolean> {
    const retried = await this.settle([request], {
      status: EmailStatus.Pending,
      next_attempt_at: nextAttemptAt,
      claimed_until: null,
      claim_id: null,
      last_error: storableError(error),
    });
    return retried.length === 1;
  }

  /** Given up on. `forgetAddress` blanks the row's address (a reset request nobody will act on). */
  async markFailed(
    request: ClaimedEmail,
    error: string,
    now = new Date(),
    forgetAddress = false,
  ): Promise<boolean> {
    const failed = await this.settle([request], {
      status: EmailStatus.Failed,
      processed_at: now,
      claimed_until: null,
      claim_id: null,
      last_error: storableError(error),
      ...(forgetAddress ? { email: '' } : {}),
    });
    return failed.length === 1;
  }

  /**
   * Withdraws the address's reset requests and invitations not yet sent, held ones included (the
   * holder finds its claim gone): the password has just been changed or reset, so the link would
   * only be a risk.
   */
  cancelResets(email: string, now = new Date(), manager?: EntityManager): Promise<number> {
    return this.db.with(manager, (m) => this.cancel(m, email, now));
  }

  private async cancel(manager: EntityManager, email: string, now: Date): Promise<number> {
    const sql = new RawSql(manager);
    const at = (date: Date) => sql.date(QueuedEmail, 'createdAt', date);
    const q = sql.params();
    const rows = await sql.rows<{ id: string }>(
      `UPDATE ${sql.table(QueuedEmail)} SET status = ${q.add(EmailStatus.Cancelled)}, ` +
        `email = '', processed_at = ${q.add(at(now))}, claimed_until = NULL, claim_id = NULL ` +
        `WHERE kind IN (${q.add(EmailKind.PasswordReset)}, ${q.add(EmailKind.Invite)}) ` +
        `AND email = ${q.add(email)} ` +
        `AND ${LIVE} RETURNING id`,
      q.values,
    );
    return rows.length;
  }

  /** One row's status and last error, for a caller waiting on its email (the service's CLI). */
  find(id: string): Promise<{ status: EmailStatus; lastError: string | null } | null> {
    return this.db.run(async (manager) => {
      const row = await manager
        .getRepository(QueuedEmail)
        .findOne({ where: { id }, select: { status: true, lastError: true } });
      return row && { status: row.status, lastError: row.lastError };
    });
  }

  /** Hands held rows back untouched (on shutdown): due again at once, the attempt not counted. */
  async release(requests: ClaimedEmail[]): Promise<number> {
    const released = await this.settle(
      requests,
      { status: EmailStatus.Pending, claimed_until: null, claim_id: null },
      'attempts = attempts - 1',
    );
    return released.length;
  }

  counts(): Promise<EmailQueueCounts> {
    return this.db.run(async (manager) => {
      const emails = manager.getRepository(QueuedEmail);
      return {
        pending: await emails.countBy({
          status: In([EmailStatus.Pending, EmailStatus.Processing]),
        }),
        failed: await emails.countBy({ status: EmailStatus.Failed }),
      };
    });
  }

  /** Deletes rows settled (done, failed, throttled, cancelled) before `before`; never a pending one. */
  async purgeSettled(before: Date): Promise<number> {
    const result = await this.db.run((manager) =>
      manager.getRepository(QueuedEmail).delete({
        status: In([
          EmailStatus.Done,
          EmailStatus.Failed,
          EmailStatus.Throttled,
          EmailStatus.Cancelled,
        ]),
        processedAt: LessThanOrEqual(before),
      }),
    );
    return result.affected ?? 0;
  }

  private claimedUntil(now: Date): Date {
    return new Date(now.getTime() + this.settings.delivery.claimTimeoutSeconds * 1000);
  }

  /**
   * One UPDATE of the rows this instance still holds (status processing, their claim id unchanged),
   * grouped by claim. Returns the ids it changed; a row missing from the answer was taken over.
   */
  private settle(
    requests: ClaimedEmail[],
    columns: Record<string, string | number | Date | null>,
    expression?: string,
  ): Promise<string[]> {
    return this.db.run((manager) => this.update(manager, requests, columns, expression));
  }

  private async update(
    manager: EntityManager,
    requests: ClaimedEmail[],
    columns: Record<string, string | number | Date | null>,
    expression?: string,
  ): Promise<string[]> {
    const sql = new RawSql(manager);
    const byClaim = new Map<string, string[]>();
    for (const { id, claimId } of requests)
      byClaim.set(claimId, [...(byClaim.get(claimId) ?? []), id]);
    const changed: string[] = [];
    for (const [claimId, ids] of byClaim) {
      const q = sql.params();
      const assignments = Object.entries(columns).map(([column, value]) => {
        const bound = value instanceof Date ? sql.date(QueuedEmail, 'createdAt', value) : value;
        return `${column} = ${q.add(bound)}`;
      });
      if (expression) assignments.push(expression);
      const rows = await sql.rows<{ id: string }>(
        `UPDATE ${sql.table(QueuedEmail)} SET ${assignments.join(', ')} ` +
          `WHERE claim_id = ${q.add(claimId)} AND status = ${q.add(EmailStatus.Processing)} ` +
          `AND id IN (${ids.map((id) => q.add(id)).join(', ')}) RETURNING id`,
        q.values,
      );
      changed.push(...rows.map((row) => row.id));
    }
    return changed;
  }
}
