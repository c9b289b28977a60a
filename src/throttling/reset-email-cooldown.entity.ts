import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Until when no other reset email may go to an address, keyed by the address's SHA-256. */
@Entity({ name: 'reset_email_cooldowns' })
export class ResetEmailCooldown {
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ name: 'cooldown_until' })
  cooldownUntil: Date;
}
