import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index over the email queue's live rows (waiting or claimed) by address, for the statement that
 * withdraws an address's reset requests when its owner logs in or changes the password. Without it
 * that statement read the `(status, next_attempt_at)` index for every live row, and on PostgreSQL
 * also for every row version a status change left behind until VACUUM: after about 20 s of
 * forgot-password load, tens of thousands of entries and 2.5 ms per reset (autovacuum off). Partial,
 * so settled rows (most of the table) are not in it. The statement spells the statuses as literals:
 * SQLite only uses a partial index when the query's own text implies its condition.
 */
export class EmailQueueLiveEmailIndex1765000000002 implements MigrationInterface {
  name = 'EmailQueueLiveEmailIndex1765000000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_account_email_queue_live_email ON account_email_queue (email) ` +
        `WHERE status IN ('pending', 'processing')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX idx_account_email_queue_live_email');
  }
}
