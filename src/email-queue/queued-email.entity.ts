import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

/** What a row asks to be sent. */
export enum EmailKind {
  /** Someone asked for a reset link; the account may not exist. */
  PasswordReset = 'password_reset',
  /** Tell an owner their password changed. */
  PasswordChanged = 'password_changed',
  /** The host invites an account to set its first password (a link living `inviteTtlHours`). */
  Invite = 'invite',
  /** Tell an owner someone tried to sign up with their address (enumeration-safe sign-up). */
  SignUpAttempt = 'sign_up_attempt',
}

export enum EmailStatus {
  /** Waiting for its first or next attempt (`next_attempt_at`). */
  Pending = 'pending',
  /** Claimed by an instance until `claimed_until`. */
  Processing = 'processing',
  /** Handled: sent, or nothing to send (no such account). */
  Done = 'done',
  /** Gave up after the last attempt or once too old. */
  Failed = 'failed',
  /** Inside the per-address cooldown or past the daily cap: recorded, never sent. */
  Throttled = 'throttled',
  /** A reset request the owner made moot by changing (or resetting) the password before it went out. */
  Cancelled = 'cancelled',
}

/**
 * A durable request for an email: recorded before the HTTP answer, processed after it, retried until
 * sent. It holds no token and no link; the token is issued when the email is built.
 */
@Entity({ name: 'account_email_queue' })
// For claims and counts.
@Index('idx_account_email_queue_due', ['status', 'nextAttemptAt'])
// For withdrawing an address's requests: live rows only, spelled as the statements that use it
// spell them (SQLite uses a partial index only when a query's own text implies its condition).
@Index('idx_account_email_queue_live_email', ['email'], {
  where: `status IN ('${EmailStatus.Pending}', '${EmailStatus.Processing}')`,
})
export class QueuedEmail {
  /** `uuid` on PostgreSQL; TypeORM's SQLite driver declares and reads it as `varchar`. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: EmailKind;

  /** Normalised address the email goes to. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  status: EmailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn({ name: 'next_attempt_at' })
  nextAttemptAt: Date;

  @TimestampColumn({ name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** Id of the claim that holds the row; every status change checks it (a fencing token). */
  @Column({ name: 'claim_id', type: 'varchar', length: 36, nullable: true })
  claimId: string | null;

  /** Why the last attempt failed; never holds a secret. */
  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'processed_at', nullable: true })
  processedAt: Date | null;

  /**
   * The language to write in, a canonical BCP 47 tag: a reset request's own (an account's stored
   * locale, known only once the email is built, comes first), a notice's account's.
   */
  @Column({ type: 'varchar', length: 35, nullable: true })
  locale: string | null;

  /** The IANA time zone a notice's dates are shown in: its account's. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone: string | null;
}
