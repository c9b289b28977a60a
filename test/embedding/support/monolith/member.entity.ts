import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The monolith's own users table: integer ids, soft deletion, its own hashing. */
@Entity({ name: 'members' })
export class Member {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** Every session carries the version it was issued under; a new password bumps it. */
  @Column({ name: 'session_version', type: 'integer', default: 0 })
  sessionVersion: number;

  @Column({ name: 'deleted', type: 'boolean', default: false })
  deleted: boolean;
}
