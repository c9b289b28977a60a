import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/timestamp.column';

/**
 * Wrong reset codes for one normalised address (known or not) from one client network, in the
 * current window. Kept apart from failed logins: guessing codes must not lock anyone out of signing
 * in, nor failed logins out of a reset. `keyHash` is an HMAC of the address and the network.
 */
@Entity({ name: 'reset_code_failures' })
export class ResetCodeFailure {
  /** `char(64)`: `character` is the name both drivers accept. */
  @PrimaryColumn({ name: 'key_hash', type: 'character', length: 64 })
  keyHash: string;

  @Column({ type: 'integer' })
  failures: number;

  @TimestampColumn({ name: 'window_started_at' })
  windowStartedAt: Date;
}
