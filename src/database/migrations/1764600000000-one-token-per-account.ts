import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * One live reset link per account, enforced by the database: `user_id` becomes unique and a token is
 * issued with one upsert. Before, issuing was a DELETE then an INSERT, and on PostgreSQL two concurrent
 * issues could both insert. Where an account has several rows, only its newest survives.
 */
export class OneTokenPerAccount1764600000000 implements MigrationInterface {
  name = 'OneTokenPerAccount1764600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DELETE FROM password_reset_tokens WHERE EXISTS (SELECT 1 FROM password_reset_tokens newer ' +
        'WHERE newer.user_id = password_reset_tokens.user_id AND (newer.created_at > password_reset_tokens.created_at ' +
        'OR (newer.created_at = password_reset_tokens.created_at AND newer.id > password_reset_tokens.id)))',
    );
    await queryRunner.dropIndex('password_reset_tokens', 'idx_password_reset_tokens_user');
    await queryRunner.createIndex(
      'password_reset_tokens',
      new TableIndex({
        name: 'uq_password_reset_tokens_user',
        columnNames: ['user_id'],
        isUnique: true,
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('password_reset_tokens', 'uq_password_reset_tokens_user');
    await queryRunner.createIndex(
      'password_reset_tokens',
      new TableIndex({ name: 'idx_password_reset_tokens_user', columnNames: ['user_id'] }),
    );
  }
}
