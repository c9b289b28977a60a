import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { authConfig } from '../config/auth.config';
import { throttleConfig } from '../config/throttle.config';
import { AddressKeys } from './address-keys';
import { EmailCooldownService } from './email-cooldown.service';
import { LoginFailure } from './login-failure.entity';
import { LoginLockoutService } from './login-lockout.service';
import { ResetEmailCooldown } from './reset-email-cooldown.entity';

/**
 * Per-address limits kept in the database (shared by every instance). The per-IP limits are
 * `@nestjs/throttler`'s: the host registers `ThrottlerModule` and `RouteThrottlerGuard`.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([LoginFailure, ResetEmailCooldown]),
    ConfigModule.forFeature(throttleConfig),
    ConfigModule.forFeature(authConfig),
  ],
  providers: [AddressKeys, LoginLockoutService, EmailCooldownService],
  exports: [LoginLockoutService, EmailCooldownService],
})
export class ThrottlingModule {}
