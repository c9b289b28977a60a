import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/timestamp.column';

/**
 * Reset emails to one address: until when no other may go (the cooldown), and how many went in the
 * 24 hours from `dayStartedAt` (the daily cap). Keyed by an HMAC of the address ({@link AddressKeys}).
 */
@Entity({ name: 'reset_email_cooldowns' })
export class ResetEmailCooldown {
  /** `char(64)`: `character` is the name both drivers accept. */
  @PrimaryColumn({ name: 'key_hash', type: 'character', length: 64 })
  keyHash: string;

  @TimestampColumn({ name: 'cooldown_until' })
  cooldownUntil: Date;

  @TimestampColumn({ name: 'day_started_at' })
  dayStartedAt: Date;

  @Column({ name: 'day_count', type: 'integer', default: 0 })
  dayCount: number;
}
