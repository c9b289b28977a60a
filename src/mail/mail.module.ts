import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { mailConfig } from '../config/mail.config';
import { MailService } from './mail.service';

/**
 * Renders and sends email through the host's `MailerModule` (configured by `AppModule` in standalone
 * mode with {@link buildMailerOptions}). Knows nothing of users or tokens.
 */
@Module({
  imports: [ConfigModule.forFeature(mailConfig)],
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
