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
}
