import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Every claim of a queued email gets its own id, and every status change checks it: an instance whose
 * claim ran out (and was taken over) can no longer settle the row.
 */
export class OutboxClaimFencing1764300000000 implements MigrationInterface {
  name = 'OutboxClaimFencing1764300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'password_reset_requests',
      new TableColumn({ name: 'claim_id', type: 'varchar(36)', isNullable: true }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('password_reset_requests', 'claim_id');
  }
}
