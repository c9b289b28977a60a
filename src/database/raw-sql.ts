import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * The few statements TypeORM's query builder cannot express portably (`DELETE … RETURNING`, upserts
 * with a guard, `FOR UPDATE SKIP LOCKED`) are written in SQL that SQLite and PostgreSQL share; this
 * smooths over what still differs: placeholders, how dates are bound, and result shapes.
 */
export class RawSql {
  constructor(readonly manager: EntityManager) {}

  get isPostgres(): boolean {
    return this.manager.connection.options.type === 'postgres';
  }

  /**
   * Collects parameters while a statement is written left to right: `add(value)` returns the
   * placeholder, so positional SQLite `?`s always line up with their values.
   */
  params(): { add(value: unknown): string; values: unknown[] } {
    const values: unknown[] = [];
    return {
      values,
      add: (value: unknown) => {
        values.push(value);
        return this.isPostgres ? `$${values.length}` : '?';
      },
    };
  }

  /** The escaped table name of an entity. */
  table(entity: EntityTarget<ObjectLiteral>): string {
    const { connection } = this.manager;
    return connection.driver.escape(connection.getMetadata(entity).tablePath);
  }

  /** A date bound the way its column stores it (milliseconds since 1970 UTC, see `TimestampColumn`). */
  date(entity: EntityTarget<ObjectLiteral>, property: string, value: Date): unknown {
    return this.manager.connection.driver.preparePersistentValue(
      value,
      this.column(entity, property),
    );
  }

  /** A date column read back from a raw row (PostgreSQL hands back a bigint as text). */
  readDate(entity: EntityTarget<ObjectLiteral>, property: string, value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    return this.manager.connection.driver.prepareHydratedValue(
      value,
      this.column(entity, property),
    ) as Date;
  }

  private column(entity: EntityTarget<ObjectLiteral>, property: string): ColumnMetadata {
    const column = this.manager.connection.getMetadata(entity).findColumnWithPropertyName(property);
    if (!column) throw new Error(`No column ${property}`);
    return column;
  }

  /**
   * Runs a statement and returns its rows. Build the parameters with {@link RawSql.params}: SQLite
   * placeholders are positional, so values must come in the order their placeholders appear.
   */
  async rows<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    const result: unknown = await this.manager.query(sql, parameters);
    // TypeORM answers a PostgreSQL UPDATE or DELETE with [rows, affectedCount].
    if (
      Array.isArray(result) &&
      result.length === 2 &&
      Array.isArray(result[0]) &&
      typeof result[1] === 'number'
    ) {
      return result[0] as T[];
    }
    return result as T[];
  }
}
