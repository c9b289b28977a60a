import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The module's timestamp columns, by table. */
const TIMESTAMPS: Record<string, string[]> = {
  password_reset_tokens: ['expires_at', 'created_at'],
  account_email_queue: ['next_attempt_at', 'claimed_until', 'created_at', 'processed_at'],
  reset_email_cooldowns: ['cooldown_until', 'day_started_at'],
  login_failures: ['window_started_at', 'locked_until'],
};

interface ColumnType {
  type: string;
  length: string;
}

/** A uuid on SQLite: declared `varchar(36)` before, `varchar` after (what TypeORM makes of `uuid`). */
const UUID: [ColumnType, ColumnType] = [
  { type: 'varchar', length: '36' },
  { type: 'varchar', length: '' },
];
/** A hex SHA-256 or HMAC on SQLite: `char(64)` before, `character(64)` after (TypeORM reads `char` as is). */
const HASH: [ColumnType, ColumnType] = [
  { type: 'char', length: '64' },
  { type: 'character', length: '64' },
];

/** SQLite only: columns declared under another name than the entities give, [before, after]. */
const SQLITE_TYPES: Record<string, Record<string, [ColumnType, ColumnType]>> = {
  password_reset_tokens: { id: UUID, token_hash: HASH },
  account_email_queue: { id: UUID },
  reset_email_cooldowns: { key_hash: HASH },
  login_failures: { key_hash: HASH, address_key: HASH },
};

/**
 * Timestamps become milliseconds since 1970-01-01 UTC in a `bigint`, on both databases, so that one
 * set of entities describes both (TypeORM's SQLite driver has no `timestamptz`) and every instant
 * stays exact whatever the server's, the session's or the process's time zone. Stored rows are
 * converted to the same instants: from `timestamptz` on PostgreSQL, from UTC text on SQLite. On
 * SQLite the tables are rebuilt, which also declares the other columns as the entities do.
 */
export class PortableColumns1765000000003 implements MigrationInterface {
  name = 'PortableColumns1765000000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(TIMESTAMPS)) {
      if (isPostgres(queryRunner)) {
        await alterPostgres(
          queryRunner,
          table,
          columns,
          'bigint',
          (c) =>
            // Exact: the values were written from JavaScript dates, whole milliseconds.
            `round(extract(epoch FROM ${c}) * 1000)::bigint`,
        );
      } else {
        // julianday() parses the UTC text TypeORM wrote; rounding undoes the double's last digit.
        await updateSqlite(
          queryRunner,
          table,
          columns,
          (c) => `CAST(round((julianday(${c}) - 2440587.5) * 86400000) AS INTEGER)`,
        );
        await retypeSqlite(queryRunner, table, columns, 'after');
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(TIMESTAMPS)) {
      if (isPostgres(queryRunner)) {
        await alterPostgres(
          queryRunner,
          table,
          columns,
          'timestamptz',
          (c) => `TIMESTAMPTZ 'epoch' + ${c} * INTERVAL '1 millisecond'`,
        );
      } else {
        await updateSqlite(
          queryRunner,
          table,
          columns,
          (c) =>
            `strftime('%Y-%m-%d %H:%M:%S', ${c} / 1000, 'unixepoch') || printf('.%03d', ${c} % 1000)`,
        );
        await retypeSqlite(queryRunner, table, columns, 'before');
      }
    }
  }
}

function isPostgres(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.driver.options.type === 'postgres';
}

async function alterPostgres(
  queryRunner: QueryRunner,
  table: string,
  columns: string[],
  type: string,
  convert: (column: string) => string,
): Promise<void> {
  const changes = columns.map((c) => `ALTER COLUMN ${c} TYPE ${type} USING ${convert(c)}`);
  await queryRunner.query(`ALTER TABLE ${table} ${changes.join(', ')}`);
}

/** Converts the stored values in place (SQLite keeps any value in any column until the rebuild). */
async function updateSqlite(
  queryRunner: QueryRunner,
  table: string,
  columns: string[],
  convert: (column: string) => string,
): Promise<void> {
  const assignments = columns.map((c) => `${c} = ${convert(c)}`);
  await queryRunner.query(`UPDATE ${table} SET ${assignments.join(', ')}`);
}

/**
 * Rebuilds the table with its columns declared as before or after this migration. TypeORM copies the
 * rows and keeps the table's keys, constraints and indexes, partial ones included.
 */
async function retypeSqlite(
  queryRunner: QueryRunner,
  tableName: string,
  timestamps: string[],
  side: 'before' | 'after',
): Promise<void> {
  const table = await queryRunner.getTable(tableName);
  if (!table) throw new Error(`No table ${tableName}`);
  const declared: Record<string, ColumnType> = {};
  for (const c of timestamps) {
    declared[c] =
      side === 'after' ? { type: 'bigint', length: '' } : { type: 'datetime', length: '' };
  }
  for (const [c, [before, after]] of Object.entries(SQLITE_TYPES[tableName] ?? {})) {
    declared[c] = side === 'after' ? after : before;
  }
  const changes = table.columns
    .filter((column) => declared[column.name])
    .map((oldColumn) => {
      const newColumn: TableColumn = oldColumn.clone();
      newColumn.type = declared[oldColumn.name].type;
      newColumn.length = declared[oldColumn.name].length;
      return { oldColumn, newColumn };
    });
  await queryRunner.changeColumns(table, changes);
}
