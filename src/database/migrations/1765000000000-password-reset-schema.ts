import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Column types differ only in name between the two supported databases. Each migration keeps its
 * own copy, so an applied migration never changes when shared code does.
 */
function types(queryRunner: QueryRunner): { uuid: string; timestamp: string } {
  return queryRunner.connection.driver.options.type === 'postgres'
    ? { uuid: 'uuid', timestamp: 'timestamptz' }
    : { uuid: 'varchar(36)', timestamp: 'datetime' };
}

/**
 * Everything the module needs, and no users table: reset tokens (keyed by the host's user id, one
 * row per account), the queue of emails about accounts, and the per-address limits.
 */
export class PasswordResetSchema1765000000000 implements MigrationInterface {
  name = 'PasswordResetSchema1765000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const t = types(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'password_reset_tokens',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'user_id', type: 'varchar(255)', isNullable: false },
          { name: 'token_hash', type: 'char(64)', isNullable: false, isUnique: true },
          { name: 'expires_at', type: t.timestamp, isNullable: false },
          { name: 'created_at', type: t.timestamp, isNullable: false },
        ],
        indices: [
          new TableIndex({
            name: 'uq_password_reset_tokens_user',
            columnNames: ['user_id'],
            isUnique: true,
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'account_email_queue',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'kind', type: 'varchar(32)', isNullable: false },
          { name: 'email', type: 'varchar(254)', isNullable: false },
          { name: 'status', type: 'varchar(16)', isNullable: false },
          { name: 'attempts', type: 'integer', isNullable: false, default: 0 },
          { name: 'next_attempt_at', type: t.timestamp, isNullable: false },
          { name: 'claimed_until', type: t.timestamp, isNullable: true },
          { name: 'claim_id', type: 'varchar(36)', isNullable: true },
          { name: 'last_error', type: 'varchar(500)', isNullable: true },
          { name: 'created_at', type: t.timestamp, isNullable: false },
          { name: 'processed_at', type: t.timestamp, isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'idx_account_email_queue_due',
            columnNames: ['status', 'next_attempt_at'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'reset_email_cooldowns',
        columns: [
          { name: 'key_hash', type: 'char(64)', isPrimary: true },
          { name: 'cooldown_until', type: t.timestamp, isNullable: false },
          { name: 'day_started_at', type: t.timestamp, isNullable: false },
          { name: 'day_count', type: 'integer', isNullable: false, default: 0 },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          { name: 'key_hash', type: 'char(64)', isPrimary: true },
          { name: 'address_key', type: 'char(64)', isNullable: false },
          { name: 'failures', type: 'integer', isNullable: false },
          { name: 'window_started_at', type: t.timestamp, isNullable: false },
          { name: 'locked_until', type: t.timestamp, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_login_failures_address', columnNames: ['address_key'] }),
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_failures');
    await queryRunner.dropTable('reset_email_cooldowns');
    await queryRunner.dropTable('account_email_queue');
    await queryRunner.dropTable('password_reset_tokens');
  }
}
