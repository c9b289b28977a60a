import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app.config';
import type { MailConfig } from '../config/mail.config';
import { devMailboxEnabled } from './dev-mailbox.availability';
import { DevMailboxController } from './dev-mailbox.controller';
import { DevMailboxService } from './dev-mailbox.service';

/**
 * The dev mailbox pages (`/dev/mailbox`), a development aid of the standalone service only: the
 * embeddable module knows nothing of them.
 */
@Module({})
export class DevMailboxModule {
  /**
   * The pages when {@link devMailboxEnabled}, else an empty module: the routes are not registered at
   * all, so they answer 404 exactly as unknown routes do.
   */
  static whenEnabled(app: AppConfig, mail: MailConfig): DynamicModule {
    const enabled = devMailboxEnabled(app, mail);
    return {
      module: DevMailboxModule,
      controllers: enabled ? [DevMailboxController] : [],
      providers: enabled ? [DevMailboxService] : [],
    };
  }
}
