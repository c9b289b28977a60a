import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { deliveryConfig } from '../config/delivery.config';
import { OutboxService } from './outbox.service';
import { PasswordResetRequest } from './password-reset-request.entity';

/** The durable queue of email requests. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PasswordResetRequest]),
    ConfigModule.forFeature(deliveryConfig),
  ],
  providers: [OutboxService],
  exports: [OutboxService],
})
export class OutboxModule {}
