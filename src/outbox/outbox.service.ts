import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, LessThanOrEqual, Repository } from 'typeorm';
import { deliveryConfig } from '../config/delivery.config';
import { RawSql } from '../database/raw-sql';
import { PasswordResetRequest, RequestKind, RequestStatus } from './password-reset-request.entity';

/** Pending and failed rows, for `/health`. */
export interface OutboxCounts {
  pending: number;
  failed: number;
}

/**
 * The one place that reads and writes `password_reset_requests`: record, claim (safely across
 * instances), settle, count and purge. It knows rows and statuses, not what the emails say.
 */
@Injectable()
export class OutboxService {
  constructor(
    @InjectRepository(PasswordResetRequest)
    private readonly requests: Repository<PasswordResetRequest>,
    @Inject(deliveryConfig.KEY) private readonly config: ConfigType<typeof deliveryConfig>,
  ) {}

  /** Records a request; pass the transaction's manager to make it part of a larger change. */
  async record(
    kind: RequestKind,
    email: string,
    status: RequestStatus.Pending | RequestStatus.Throttled,
    now = new Date(),
    manager: EntityManager = this.requests.manager,
  ): Promise<string> {
    const repo = manager.getRepository(PasswordResetRequest);
    const id = randomUUID();
    await repo.insert({
      id,
      kind,
      email,
      status,
      attempts: 0,
      nextAttemptAt: now,
      claimedUntil: null,
      lastError: null,
      createdAt: now,
      // A throttled request is settled the moment it is recorded.
      processedAt: status === RequestStatus.Throttled ? now : null,
    });
    return id;
  }

  /** Claims one row if it is due (the listener's fast path right after the request). */
  async claim(id: string, now = new Date()): Promise<PasswordResetRequest | null> {
    const [claimed] = await this.claimDue(1, now, id);
    return claimed ?? null;
  }

  /**
   * Claims up to `limit` due rows: new ones, retries whose time has come, and rows whose claim ran out
   * because the instance that held them died. One UPDATE picks and marks them, so no two claimers get
   * the same row: on PostgreSQL the picked rows are locked with `FOR UPDATE SKIP LOCKED` (concurrent
   * instances skip them); SQLite runs the statement under its single write lock.
   */
  async claimDue(
    limit: number,
    now = new Date(),
    onlyId?: string,
  ): Promise<PasswordResetRequest[]> {
    const sql = new RawSql(this.requests.manager);
    const table = sql.table(PasswordResetRequest);
    const at = (date: Date) => sql.date(PasswordResetRequest, 'nextAttemptAt', date);
    const claimedUntil = new Date(now.getTime() + this.config.claimTimeoutSeconds * 1000);
    const q = sql.params();
    const statement =
      `UPDATE ${table} SET status = ${q.add(RequestStatus.Processing)}, attempts = attempts + 1, ` +
      `claimed_until = ${q.add(at(claimedUntil))} ` +
      `WHERE id IN (SELECT id FROM ${table} WHERE ` +
      `((status = ${q.add(RequestStatus.Pending)} AND next_attempt_at <= ${q.add(at(now))}) ` +
      `OR (status = ${q.add(RequestStatus.Processing)} AND claimed_until <= ${q.add(at(now))}))` +
      (onlyId === undefined ? '' : ` AND id = ${q.add(onlyId)}`) +
      ` ORDER BY next_attempt_at LIMIT ${q.add(limit)}${sql.isPostgres ? ' FOR UPDATE SKIP LOCKED' : ''}) ` +
      `RETURNING id`;
    const rows = await sql.rows<{ id: string }>(statement, q.values);
    if (rows.length === 0) return [];
    return this.requests.findBy({ id: In(rows.map((row) => row.id)) });
  }

  async markDone(id: string, now = new Date()): Promise<void> {
    await this.requests.update(
      { id, status: RequestStatus.Processing },
      { status: RequestStatus.Done, processedAt: now, claimedUntil: null, lastError: null },
    );
  }

  async markRetry(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.requests.update(
      { id, status: RequestStatus.Processing },
      {
        status: RequestStatus.Pending,
        nextAttemptAt,
        claimedUntil: null,
        lastError: error.slice(0, 500),
      },
    );
  }

  async markFailed(id: string, error: string, now = new Date()): Promise<void> {
    await this.requests.update(
      { id, status: RequestStatus.Processing },
      {
        status: RequestStatus.Failed,
        processedAt: now,
        claimedUntil: null,
        lastError: error.slice(0, 500),
      },
    );
  }

  async counts(): Promise<OutboxCounts> {
    const [pending, failed] = await Promise.all([
      this.requests.countBy({ status: In([RequestStatus.Pending, RequestStatus.Processing]) }),
      this.requests.countBy({ status: RequestStatus.Failed }),
    ]);
    return { pending, failed };
  }

  /** Deletes settled rows (done, failed, throttled) settled before `before`; never a pending one. */
  async purgeSettled(before: Date): Promise<number> {
    const result = await this.requests.delete({
      status: In([RequestStatus.Done, RequestStatus.Failed, RequestStatus.Throttled]),
      processedAt: LessThanOrEqual(before),
    });
    return result.affected ?? 0;
  }
}
