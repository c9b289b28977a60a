import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The host's own user table, nothing like the module's built-in one. */
@Entity({ name: 'accounts' })
export class Account {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  /** scrypt, the host's choice: the module never sees or makes this hash. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** The host ends every session by bumping this. */
  @Column({ name: 'session_version', type: 'integer', default: 0 })
  sessionVersion: number;
}
