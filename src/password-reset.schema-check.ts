import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { RawSql } from './database/raw-sql';
import { UnitOfWork } from './database/unit-of-work';
import { PASSWORD_RESET_SETTINGS } from './password-reset.constants';
import type { PasswordResetSettings } from './password-reset.options';
import { accountEntities, passwordResetEntities } from './schema';

/**
 * What a table missing on PostgreSQL (undefined_table, in TypeORM's QueryFailedError) or SQLite
 * (better-sqlite3's own error, thrown as the statement is prepared) says.
 */
function isMissingTable(error: unknown): boolean {
  const { driverError } = error as { driverError?: unknown };
  return [error, driverError].some((candidate) => {
    const { code, message } = (candidate ?? {}) as { code?: unknown; message?: unknown };
    return code === '42P01' || (typeof message === 'string' && /no such table/i.test(message));
  });
}

/**
 * Stops start-up when the module's tables are not there, naming the migrations that build them. A
 * host that forgot them would otherwise start, answer forgot-password with a 500 and log an error at
 * every poll. Runs once the host's connection is open (and its `migrationsRun`, if any, has run).
 */
@Injectable()
export class SchemaCheck implements OnModuleInit {
  constructor(
    private readonly db: UnitOfWork,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {}

  async onModuleInit(): Promise<void> {
    const sets: [EntityTarget<ObjectLiteral>[], string][] = [
      [passwordResetEntities, 'passwordResetMigrations'],
      ...(this.settings.builtInUsers
        ? ([[accountEntities, 'accountMigrations']] as [EntityTarget<ObjectLiteral>[], string][])
        : []),
    ];
    const problems: string[] = [];
    await this.db.run(async (manager) => {
      for (const [entities, migrations] of sets) {
        const missing: string[] = [];
        for (const entity of entities) {
          const table = await this.missingTable(manager, entity);
          if (table) missing.push(table);
        }
        if (missing.length > 0) {
          problems.push(
            `the tables ${missing.join(', ')} do not exist: run ${migrations} (add ...${migrations} to the host's TypeORM migrations, with migrationsRun or the TypeORM CLI)`,
          );
        }
      }
    });
    if (problems.length > 0) throw new Error(`PasswordResetModule: ${problems.join('; ')}`);
  }

  /** The table's name if it does not exist; undefined if it does. */
  private async missingTable(
    manager: EntityManager,
    entity: EntityTarget<ObjectLiteral>,
  ): Promise<string | undefined> {
    const table = new RawSql(manager).table(entity);
    try {
      await manager.query(`SELECT 1 FROM ${table} WHERE 1 = 0`);
      return undefined;
    } catch (error) {
      if (isMissingTable(error)) return manager.connection.getMetadata(entity).tablePath;
      throw error;
    }
  }
}
