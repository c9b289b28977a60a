import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The host's own migration, run beside `passwordResetMigrations` on one connection. */
export class CreateAccounts1700000000000 implements MigrationInterface {
  name = 'CreateAccounts1700000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    await queryRunner.createTable(
      new Table({
        name: 'accounts',
        columns: [
          { name: 'id', type: postgres ? 'uuid' : 'varchar(36)', isPrimary: true },
          { name: 'email', type: 'varchar(254)', isNullable: false, isUnique: true },
          { name: 'password_hash', type: 'varchar(255)', isNullable: false },
          { name: 'session_version', type: 'integer', isNullable: false, default: 0 },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('accounts');
  }
}
