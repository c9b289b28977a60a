import { Column, InstanceChecker, ValueTransformer } from 'typeorm';

/**
 * A `Date` kept as milliseconds since 1970-01-01 UTC. Passes anything else through; a find
 * operator (`LessThanOrEqual(date)`, `Or(IsNull(), …)`) has its dates converted in place, because
 * TypeORM hands `delete` and `update` criteria to the transformer without unwrapping them.
 */
export const epochMilliseconds: ValueTransformer = {
  to(value: unknown): unknown {
    if (value instanceof Date) return value.getTime();
    if (InstanceChecker.isFindOperator(value)) value.transformValue(epochMilliseconds);
    return value;
  },
  // PostgreSQL answers a bigint as a string, SQLite as a number.
  from(value: string | number | null): Date | null {
    return value === null ? null : new Date(Number(value));
  },
};

/**
 * A moment in time, as a `bigint` of milliseconds since 1970-01-01 UTC on both databases.
 *
 * One set of entities has to describe both databases, and decorators are evaluated once, whatever
 * the driver. TypeORM's SQLite driver refuses `timestamptz`, and for a plain `Date` its PostgreSQL
 * driver means `timestamp without time zone`, which node-postgres writes and reads in the process's
 * local time (an hour is lost or doubled at each daylight-saving change). An integer is the same
 * instant for every server, session and process time zone, sorts and compares as a number, and is
 * declared `bigint` on both drivers. Raw SQL binds dates through the column (`RawSql.date`).
 */
export function TimestampColumn(options: { name: string; nullable?: boolean }): PropertyDecorator {
  return Column({
    name: options.name,
    type: 'bigint',
    nullable: options.nullable ?? false,
    transformer: epochMilliseconds,
  });
}
