import { Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { configNamespaces, loadEnvironment } from '../config/standalone-config';
import { typeOrmRoot } from './typeorm-root';

/** Just the connection: opening it runs pending migrations (`migrationsRun`), as the service does at start. */
@Module({})
class MigrationsModule {}

async function main(): Promise<void> {
  // The whole environment is checked, as at the service's start, though only the database is used.
  const config = loadEnvironment({ envFile: true });
  const migrations = {
    module: MigrationsModule,
    imports: [
      ConfigModule.forRoot({
        isGlobal: true,
        ignoreEnvFile: true,
        validatePredefined: false,
        load: configNamespaces(config),
      }),
      typeOrmRoot(),
    ],
  };
  const app = await NestFactory.createApplicationContext(migrations, {
    logger: ['error', 'warn', 'log'],
  });
  const dataSource = app.get(DataSource);
  const pending = await dataSource.showMigrations();
  const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
  new Logger('Migrations').log(
    `${pending ? 'Some migrations are still pending' : 'Database is up to date'} (${applied.length} applied)`,
  );
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
