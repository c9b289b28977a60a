import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';

function timestampType(queryRunner: QueryRunner): string {
  return queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
}

/**
 * The built-in accounts, for hosts without users of their own: the `users` table, and reset tokens
 * that go with their account (`ON DELETE CASCADE`). Runs after the module's own schema.
 */
export class AccountSchema1765000000001 implements MigrationInterface {
  name = 'AccountSchema1765000000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar(36)', isPrimary: true },
          { name: 'email', type: 'varchar(254)', isNullable: false, isUnique: true },
          { name: 'password_hash', type: 'varchar(255)', isNullable: false },
          { name: 'token_version', type: 'integer', isNullable: false, default: 0 },
          { name: 'created_at', type: timestamp, isNullable: false },
          { name: 'updated_at', type: timestamp, isNullable: false },
          { name: 'password_changed_at', type: timestamp, isNullable: false },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'password_reset_tokens',
      new TableForeignKey({
        name: 'fk_password_reset_tokens_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey('password_reset_tokens', 'fk_password_reset_tokens_user');
    await queryRunner.dropTable('users');
  }
}
