import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';
import { MAX_LOCALE_LENGTH, MAX_TIME_ZONE_LENGTH } from '../i18n/locale-tags';

/**
 * A built-in account, for hosts that have no users of their own. The password is only ever held as
 * an argon2id hash.
 */
@Entity({ name: 'users' })
export class UserAccount {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Trimmed and lower-cased before it gets here. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** Bumped on every password change; access tokens carry it and die when it moves on. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;

  @TimestampColumn({ name: 'password_changed_at' })
  passwordChangedAt: Date;

  /** The account's language, a canonical BCP 47 tag (`de-AT`); its emails are written in it. */
  @Column({ type: 'varchar', length: MAX_LOCALE_LENGTH, nullable: true })
  locale: string | null;

  /** The account's IANA time zone (`Europe/Vienna`); dates in its emails are shown in it. */
  @Column({ name: 'time_zone', type: 'varchar', length: MAX_TIME_ZONE_LENGTH, nullable: true })
  timeZone: string | null;
}
