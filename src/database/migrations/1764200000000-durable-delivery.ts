import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

function types(queryRunner: QueryRunner): { id: string; timestamp: string } {
  return queryRunner.connection.driver.options.type === 'postgres'
    ? { id: 'uuid', timestamp: 'timestamptz' }
    : { id: 'varchar(36)', timestamp: 'datetime' };
}

/** The outbox of reset requests and notices, the per-address email cooldown and login failure counts. */
export class DurableDelivery1764200000000 implements MigrationInterface {
  name = 'DurableDelivery1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const t = types(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'password_reset_requests',
        columns: [
          { name: 'id', type: t.id, isPrimary: true },
          { name: 'kind', type: 'varchar(32)', isNullable: false },
          { name: 'email', type: 'varchar(254)', isNullable: false },
          { name: 'status', type: 'varchar(16)', isNullable: false },
          { name: 'attempts', type: 'integer', isNullable: false, default: 0 },
          { name: 'next_attempt_at', type: t.timestamp, isNullable: false },
          { name: 'claimed_until', type: t.timestamp, isNullable: true },
          { name: 'last_error', type: 'varchar(500)', isNullable: true },
          { name: 'created_at', type: t.timestamp, isNullable: false },
          { name: 'processed_at', type: t.timestamp, isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'idx_password_reset_requests_due',
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
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          { name: 'key_hash', type: 'char(64)', isPrimary: true },
          { name: 'failures', type: 'integer', isNullable: false },
          { name: 'window_started_at', type: t.timestamp, isNullable: false },
          { name: 'locked_until', type: t.timestamp, isNullable: true },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_failures');
    await queryRunner.dropTable('reset_email_cooldowns');
    await queryRunner.dropTable('password_reset_requests');
  }
}
