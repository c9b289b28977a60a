import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/timestamp.column';

/**
 * Failed logins for one normalised address (known or not), either from one client network or from
 * anywhere. `keyHash` is an HMAC of the address and, for the former, the network; `addressKey` is the
 * HMAC of the address alone, shared by all of its rows so that a reset can clear them together.
 */
@Entity({ name: 'login_failures' })
export class LoginFailure {
  /** `char(64)`: `character` is the name both drivers accept. */
  @PrimaryColumn({ name: 'key_hash', type: 'character', length: 64 })
  keyHash: string;

  @Index('idx_login_failures_address')
  @Column({ name: 'address_key', type: 'character', length: 64 })
  addressKey: string;

  @Column({ type: 'integer' })
  failures: number;

  @TimestampColumn({ name: 'window_started_at' })
  windowStartedAt: Date;

  @TimestampColumn({ name: 'locked_until', nullable: true })
  lockedUntil: Date | null;
}
