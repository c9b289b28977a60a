import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MailModule } from '../mail/mail.module';
import { OutboxModule } from '../outbox/outbox.module';
import { HealthController } from './health.controller';

/** `GET /health` for load balancers, orchestrators and operators. */
@Module({
  imports: [TerminusModule, MailModule, OutboxModule],
  controllers: [HealthController],
})
export class HealthModule {}
