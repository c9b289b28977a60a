import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DATABASE_CONFIG, type DatabaseConfig } from '../config/database.config';
import { buildDataSourceOptions } from './data-source-options';

/** The standalone service's connection, from `DATABASE_URL` (for `AppModule` and `migration:run`). */
export function typeOrmRoot(): DynamicModule {
  return TypeOrmModule.forRootAsync({
    inject: [DATABASE_CONFIG],
    useFactory: (config: DatabaseConfig) => buildDataSourceOptions(config),
  });
}
