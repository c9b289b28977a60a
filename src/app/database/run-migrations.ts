import { Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config';
import { validateEnvironment } from '../config/validate-environment';
import { typeOrmRoot } from './typeorm-root';

/** Just the connection: opening it runs pending migrations (`migrationsRun`), as the service does at start. */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      load: [databaseConfig],
      validate: validateEnvironment,
    }),
    typeOrmRoot(),
  ],
})
class MigrationsModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(MigrationsModule, {
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
