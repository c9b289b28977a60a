import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Column types differ only in name between the two supported databases. */
function types(queryRunner: QueryRunner): { id: string; timestamp: string } {
  return queryRunner.connection.driver.options.type === 'postgres'
    ? { id: 'uuid', timestamp: 'timestamptz' }
    : { id: 'varchar(36)', timestamp: 'datetime' };
}

export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const t = types(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: t.id, isPrimary: true },
          { name: 'email', type: 'varchar(254)', isNullable: false, isUnique: true },
          { name: 'password_hash', type: 'varchar(255)', isNullable: false },
          { name: 'token_version', type: 'integer', isNullable: false, default: 0 },
          { name: 'created_at', type: t.timestamp, isNullable: false },
          { name: 'updated_at', type: t.timestamp, isNullable: false },
          { name: 'password_changed_at', type: t.timestamp, isNullable: false },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'password_reset_tokens',
        columns: [
          { name: 'id', type: t.id, isPrimary: true },
          { name: 'user_id', type: t.id, isNullable: false },
          { name: 'token_hash', type: 'char(64)', isNullable: false, isUnique: true },
          { name: 'expires_at', type: t.timestamp, isNullable: false },
          { name: 'created_at', type: t.timestamp, isNullable: false },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_password_reset_tokens_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [
          new TableIndex({ name: 'idx_password_reset_tokens_user', columnNames: ['user_id'] }),
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('password_reset_tokens');
    await queryRunner.dropTable('users');
  }
}
