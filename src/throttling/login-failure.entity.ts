import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed logins for one normalised address (known or not), keyed by the address's SHA-256. */
@Entity({ name: 'login_failures' })
export class LoginFailure {
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column({ name: 'window_started_at' })
  windowStartedAt: Date;

  @Column({ name: 'locked_until', type: Date, nullable: true })
  lockedUntil: Date | null;
}
