import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

/**
 * A live reset link. Only the SHA-256 of the token is stored; the token itself is in the email.
 * `userId` is the host's id of the account. No foreign key, not even to the built-in `users`: this
 * entity serves hosts with users of their own too, and the module ends an account's links itself.
 */
@Entity({ name: 'password_reset_tokens' })
export class PasswordResetToken {
  /** `uuid` on PostgreSQL; TypeORM's SQLite driver declares and reads it as `varchar`. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** One row per account: issuing a token replaces the account's previous one. */
  @Index('uq_password_reset_tokens_user', { unique: true })
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  /** Lower-case hex SHA-256 of the raw token (`char(64)`: `character` is the name both drivers accept). */
  @Column({ name: 'token_hash', type: 'character', length: 64, unique: true })
  tokenHash: string;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  /**
   * HMAC-SHA-256 (lower-case hex) of the one-time code sent beside the link, under the module's
   * address-key secret: a plain hash of one of 10^8 codes would be reversed at once. Null when
   * codes are off, and once the code is burnt.
   */
  @Column({ name: 'code_hash', type: 'character', length: 64, nullable: true })
  codeHash: string | null;

  /** The code has a lifetime of its own, shorter than the link's. */
  @TimestampColumn({ name: 'code_expires_at', nullable: true })
  codeExpiresAt: Date | null;

  /** Wrong tries of this code; at the limit the code is burnt, the link still works. */
  @Column({ name: 'code_attempts', type: 'integer', default: 0 })
  codeAttempts: number;
}
