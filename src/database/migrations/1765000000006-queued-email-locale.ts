import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The email queue keeps the language and time zone an email is to be written in: a reset request's
 * own (the account is looked up only when the email is built) and a password-changed notice's
 * account's. Both nullable: rows queued before keep null and are written as before. The lengths are
 * the longest `canonicalLocale` and `canonicalTimeZone` accept. `ADD COLUMN` and `DROP COLUMN` read
 * the same on PostgreSQL and SQLite (3.35 and later), and neither copies the table.
 */
export class QueuedEmailLocale1765000000006 implements MigrationInterface {
  name = 'QueuedEmailLocale1765000000006';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_email_queue" ADD COLUMN "locale" varchar(35)`);
    await queryRunner.query(`ALTER TABLE "account_email_queue" ADD COLUMN "time_zone" varchar(64)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_email_queue" DROP COLUMN "time_zone"`);
    await queryRunner.query(`ALTER TABLE "account_email_queue" DROP COLUMN "locale"`);
  }
}
