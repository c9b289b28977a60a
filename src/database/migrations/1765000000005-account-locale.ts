import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The built-in accounts' language (a BCP 47 tag) and IANA time zone, which their emails are written
 * in. Both nullable: accounts that exist keep null, and their emails speak as before. The lengths
 * are the longest `canonicalLocale` and `canonicalTimeZone` accept. `ADD COLUMN` and `DROP COLUMN`
 * read the same on PostgreSQL and SQLite (3.35 and later), and neither copies the table.
 */
export class AccountLocale1765000000005 implements MigrationInterface {
  name = 'AccountLocale1765000000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "locale" varchar(35)`);
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "time_zone" varchar(64)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "time_zone"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "locale"`);
  }
}
