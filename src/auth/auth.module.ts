import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { authConfig } from '../config/auth.config';
import { resetConfig } from '../config/reset.config';
import { DatabaseModule } from '../database/database.module';
import { MailModule } from '../mail/mail.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthEventsPublisher } from './events/auth-events.publisher';
import { PasswordChangedListener } from './listeners/password-changed.listener';
import { PasswordResetRequestedListener } from './listeners/password-reset-requested.listener';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';
import { PasswordResetService } from './password-reset.service';
import { ResetLinks } from './reset-links';

/**
 * Registration, login, password change and the reset flow. Needs, from the host: a TypeORM connection
 * with this package's entities, `EventEmitterModule.forRoot()` and `MailerModule.forRoot…()`.
 */
@Module({
  imports: [
    ConfigModule.forFeature(authConfig),
    ConfigModule.forFeature(resetConfig),
    DatabaseModule,
    UsersModule,
    TokensModule,
    MailModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    PasswordResetService,
    PasswordHasher,
    PasswordPolicy,
    ResetLinks,
    AuthEventsPublisher,
    PasswordResetRequestedListener,
    PasswordChangedListener,
  ],
  exports: [AuthService, PasswordResetService],
})
export class AuthModule {}
