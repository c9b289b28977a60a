import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';

/**
 * Keeps hold of every connection a host opens, for hosts that are meant to fail at start-up: Nest
 * rejects on the first failing provider while the connection may still be opening, and nothing
 * would ever close it (or it would open after its database is gone).
 */
export class DataSourceTracker {
  private readonly opening: Promise<DataSource | undefined>[] = [];

  /** The host's connection, opened through this tracker. */
  typeOrmModule(options: TypeOrmModuleOptions): DynamicModule {
    return TypeOrmModule.forRootAsync({
      useFactory: () => options,
      dataSourceFactory: (dataSourceOptions?: DataSourceOptions) => {
        const opened = new DataSource(dataSourceOptions!).initialize();
        this.opening.push(opened.catch(() => undefined));
        return opened;
      },
    });
  }

  /** Waits for every connection begun so far and closes those that opened. */
  async closeAll(): Promise<void> {
    const dataSources = await Promise.all(this.opening.splice(0));
    const open = dataSources.filter((dataSource) => dataSource?.isInitialized);
    await Promise.all(open.map((dataSource) => dataSource!.destroy()));
  }
}
