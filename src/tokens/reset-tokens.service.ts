import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, LessThanOrEqual, Repository } from 'typeorm';
import { RawSql } from '../database/raw-sql';
import { resetConfig } from '../config/reset.config';
import { UnitOfWork } from '../database/unit-of-work';
import { PasswordResetToken } from './password-reset-token.entity';
import { generateResetToken, hashResetToken } from './reset-token';

/** A freshly issued token. `token` is the only copy of the raw value: it goes into the email and nowhere else. */
export interface IssuedResetToken {
  token: string;
  expiresAt: Date;
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
    @InjectRepository(PasswordResetToken) private readonly tokens: Repository<PasswordResetToken>,
    private readonly unitOfWork: UnitOfWork,
    @Inject(resetConfig.KEY) private readonly config: ConfigType<typeof resetConfig>,
  ) {}

  /** Issues a token for the account and removes its older ones: one live link per account. */
  issue(userId: string, now = new Date()): Promise<IssuedResetToken> {
    const token = generateResetToken();
    const expiresAt = new Date(now.getTime() + this.config.tokenTtlMinutes * 60_000);
    return this.unitOfWork.run(async (manager) => {
      const repo = manager.getRepository(PasswordResetToken);
      await repo.delete({ userId });
      await repo.insert({
        id: randomUUID(),
        userId,
        tokenHash: hashResetToken(token),
        expiresAt,
        createdAt: now,
      });
      return { token, expiresAt };
    });
  }

  /** Looks a token up without using it. Unknown and expired tokens both give `null`. */
  async findLive(token: string, now = new Date()): Promise<LiveResetToken | null> {
    const row = await this.tokens.findOneBy({ tokenHash: hashResetToken(token) });
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
    const result = await this.tokens.delete({ expiresAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }

  /** Ends every outstanding link of the account (after login, password change or reset). */
  async revokeAllForUser(
    userId: string,
    manager: EntityManager = this.tokens.manager,
  ): Promise<void> {
    await manager.getRepository(PasswordResetToken).delete({ userId });
  }
}
