import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A live reset link. Only the SHA-256 of the token is stored; the token itself is in the email.
 * `userId` is the host's id of the account (with the built-in accounts, a foreign key to `users`).
 */
@Entity({ name: 'password_reset_tokens' })
export class PasswordResetToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** One row per account: issuing a token replaces the account's previous one. */
  @Index('uq_password_reset_tokens_user', { unique: true })
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  /** Lower-case hex SHA-256 of the raw token. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ name: 'expires_at' })
  expiresAt: Date;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
