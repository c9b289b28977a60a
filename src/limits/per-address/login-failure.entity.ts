import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Failed logins for one normalised address (known or not), either from one client network or from
 * anywhere. `keyHash` is an HMAC of the address and, for the former, the network; `addressKey` is the
 * HMAC of the address alone, shared by all of its rows so that a reset can clear them together.
 */
@Entity({ name: 'login_failures' })
export class LoginFailure {
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Index('idx_login_failures_address')
  @Column({ name: 'address_key', type: 'varchar', length: 64 })
  addressKey: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column({ name: 'window_started_at' })
  windowStartedAt: Date;

  @Column({ name: 'locked_until', type: Date, nullable: true })
  lockedUntil: Date | null;
}
