import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { appConfig } from '../config/app.config';
import { MailModule } from '../mail/mail.module';
import { OutboxModule } from '../outbox/outbox.module';
import { HealthTokenGuard } from './health-token.guard';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/**
 * `GET /health` for load balancers and orchestrators, `GET /health/details` for operators holding
 * HEALTH_TOKEN. Reports Redis when the host's ThrottlerModule stores its counts there.
 */
@Module({
  imports: [TerminusModule, MailModule, OutboxModule, ConfigModule.forFeature(appConfig)],
  controllers: [HealthController],
  providers: [HealthService, HealthTokenGuard],
})
export class HealthModule {}
