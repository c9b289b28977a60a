import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { resetConfig } from '../config/reset.config';
import { PasswordResetToken } from './password-reset-token.entity';
import { ResetTokensService } from './reset-tokens.service';

/** Password-reset tokens: issue, look up, consume, revoke. */
@Module({
  imports: [TypeOrmModule.forFeature([PasswordResetToken]), ConfigModule.forFeature(resetConfig)],
  providers: [ResetTokensService],
  exports: [ResetTokensService],
})
export class TokensModule {}
