import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-time reset codes: each link row may carry the HMAC of a code sent beside it, with an expiry of
 * its own (milliseconds since 1970-01-01 UTC, as every timestamp) and a count of wrong tries; rows
 * issued before keep null (no code) and 0. Wrong codes are also counted per address and client
 * network, in a table of their own, apart from failed logins. The statements read the same on
 * PostgreSQL and SQLite (3.35 and later), and none copies a table.
 */
export class ResetCodes1765000000007 implements MigrationInterface {
  name = 'ResetCodes1765000000007';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const tokens = '"password_reset_tokens"';
    await queryRunner.query(`ALTER TABLE ${tokens} ADD COLUMN "code_hash" character(64)`);
    await queryRunner.query(`ALTER TABLE ${tokens} ADD COLUMN "code_expires_at" bigint`);
    await queryRunner.query(
      `ALTER TABLE ${tokens} ADD COLUMN "code_attempts" integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(
      `CREATE TABLE "reset_code_failures" ("key_hash" character(64) PRIMARY KEY NOT NULL, ` +
        `"failures" integer NOT NULL, "window_started_at" bigint NOT NULL)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const tokens = '"password_reset_tokens"';
    await queryRunner.query(`DROP TABLE "reset_code_failures"`);
    await queryRunner.query(`ALTER TABLE ${tokens} DROP COLUMN "code_attempts"`);
    await queryRunner.query(`ALTER TABLE ${tokens} DROP COLUMN "code_expires_at"`);
    await queryRunner.query(`ALTER TABLE ${tokens} DROP COLUMN "code_hash"`);
  }
}
