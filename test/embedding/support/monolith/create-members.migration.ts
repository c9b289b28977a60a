import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The monolith's own migration, run on the same connection as `passwordResetMigrations`. */
export class CreateMembers1700000000001 implements MigrationInterface {
  name = 'CreateMembers1700000000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'members',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'email', type: 'varchar(254)', isNullable: false, isUnique: true },
          { name: 'password_hash', type: 'varchar(255)', isNullable: false },
          { name: 'session_version', type: 'integer', isNullable: false, default: 0 },
          { name: 'deleted', type: 'boolean', isNullable: false, default: false },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('members');
  }
}
