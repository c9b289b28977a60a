import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { noStore } from '../common/http/no-store.middleware';
import { authConfig } from '../config/auth.config';
import { deliveryConfig } from '../config/delivery.config';
import { resetConfig } from '../config/reset.config';
import { DatabaseModule } from '../database/database.module';
import { MailModule } from '../mail/mail.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { MailRequestProcessor } from './delivery/mail-request.processor';
import { OutboxPoller } from './delivery/outbox.poller';
import { PurgeTask } from './delivery/purge.task';
import { AuthEventsPublisher } from './events/auth-events.publisher';
import { MailRequestListener } from './listeners/mail-request.listener';
import { PasswordChanger } from './password-changer.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';
import { PasswordResetService } from './password-reset.service';
import { ResetLinks } from './reset-links';
import { PasswordStrengthPool } from './strength/password-strength.pool';

/**
 * Registration, login, password change and the reset flow with its durable email delivery. Needs,
 * from the host: a TypeORM connection with this package's entities, `EventEmitterModule.forRoot()`,
 * `ScheduleModule.forRoot()`, `MailerModule.forRoot…()`, and for per-IP limits `ThrottlerModule`
 * with `RouteThrottlerGuard` as a global guard.
 */
@Module({
  imports: [
    ConfigModule.forFeature(authConfig),
    ConfigModule.forFeature(resetConfig),
    ConfigModule.forFeature(deliveryConfig),
    DatabaseModule,
    UsersModule,
    TokensModule,
    MailModule,
    OutboxModule,
    ThrottlingModule,
  ],
  controllers: [AuthController, AccountController],
  providers: [
    AuthService,
    PasswordResetService,
    PasswordHasher,
    PasswordChanger,
    PasswordPolicy,
    PasswordStrengthPool,
    ResetLinks,
    AuthEventsPublisher,
    MailRequestListener,
    MailRequestProcessor,
    OutboxPoller,
    PurgeTask,
  ],
  exports: [AuthService, PasswordResetService],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(noStore).forRoutes(AuthController, AccountController);
  }
}
