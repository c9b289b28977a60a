import type { DynamicModule } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '../config/database.config';
import { buildDataSourceOptions } from './data-source-options';

/** The standalone service's connection, from `DATABASE_URL` (for `AppModule` and `migration:run`). */
export function typeOrmRoot(): DynamicModule {
  return TypeOrmModule.forRootAsync({
    inject: [databaseConfig.KEY],
    useFactory: (config: ConfigType<typeof databaseConfig>) => buildDataSourceOptions(config),
  });
}
