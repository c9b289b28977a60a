import { Module } from '@nestjs/common';
import { UnitOfWork } from './unit-of-work';

/** Shared database helpers. The connection itself belongs to the host (AppModule in standalone mode). */
@Module({ providers: [UnitOfWork], exports: [UnitOfWork] })
export class DatabaseModule {}
