import { MigrationInterface, QueryRunner, TableForeignKey } from 'typeorm';

const TIMESTAMPS = ['created_at', 'updated_at', 'password_changed_at'];

/**
 * The built-in accounts as their entity describes them, on both databases:
 *
 * - `users`' timestamps become milliseconds since 1970-01-01 UTC in a `bigint`, as the module's own
 *   did in `PortableColumns1765000000003` (same conversion, exact).
 * - The foreign key from `password_reset_tokens.user_id` to `users` goes. The token entity is shared
 *   with hosts that keep their own users, so it cannot declare a key to `users`, and a key the
 *   entities do not declare is one TypeORM's schema diff drops. The module ends an account's links
 *   itself, in the transaction that deletes it, and refuses a link whose account is gone.
 */
export class PortableAccountColumns1765000000004 implements MigrationInterface {
  name = 'PortableAccountColumns1765000000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // First, so that rebuilding `users` on SQLite can never reach the tokens.
    await queryRunner.dropForeignKey('password_reset_tokens', 'fk_password_reset_tokens_user');
    if (isPostgres(queryRunner)) {
      const changes = TIMESTAMPS.map(
        (c) => `ALTER COLUMN ${c} TYPE bigint USING round(extract(epoch FROM ${c}) * 1000)::bigint`,
      );
      await queryRunner.query(`ALTER TABLE users ${changes.join(', ')}`);
    } else {
      const assignments = TIMESTAMPS.map(
        (c) => `${c} = CAST(round((julianday(${c}) - 2440587.5) * 86400000) AS INTEGER)`,
      );
      await queryRunner.query(`UPDATE users SET ${assignments.join(', ')}`);
      await retypeSqlite(queryRunner, 'bigint');
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (isPostgres(queryRunner)) {
      const changes = TIMESTAMPS.map(
        (c) =>
          `ALTER COLUMN ${c} TYPE timestamptz USING TIMESTAMPTZ 'epoch' + ${c} * INTERVAL '1 millisecond'`,
      );
      await queryRunner.query(`ALTER TABLE users ${changes.join(', ')}`);
    } else {
      const assignments = TIMESTAMPS.map(
        (c) =>
          `${c} = strftime('%Y-%m-%d %H:%M:%S', ${c} / 1000, 'unixepoch') || printf('.%03d', ${c} % 1000)`,
      );
      await queryRunner.query(`UPDATE users SET ${assignments.join(', ')}`);
      await retypeSqlite(queryRunner, 'datetime');
    }
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
}

function isPostgres(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.driver.options.type === 'postgres';
}

/** Rebuilds `users` with its timestamps declared as `type`; TypeORM copies the rows and constraints. */
async function retypeSqlite(queryRunner: QueryRunner, type: string): Promise<void> {
  const table = await queryRunner.getTable('users');
  if (!table) throw new Error('No table users');
  const changes = table.columns
    .filter((column) => TIMESTAMPS.includes(column.name))
    .map((oldColumn) => {
      const newColumn = oldColumn.clone();
      newColumn.type = type;
      return { oldColumn, newColumn };
    });
  await queryRunner.changeColumns(table, changes);
}
