import { DynamicModule, Module } from '@nestjs/common';
import { appConfig } from '../config/app.config';
import { mailConfig } from '../config/mail.config';
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
   * all, so they answer 404 exactly as unknown routes do. Decided once `configModule` has loaded and
   * validated the environment (and `.env`); if that fails, this fails with the same error, which
   * start-up reports. (`ConditionalModule` would instead wait forever for a valid environment.)
   */
  static async whenEnabled(configModule: Promise<DynamicModule>): Promise<DynamicModule> {
    await configModule;
    const enabled = devMailboxEnabled(appConfig(), mailConfig());
    return {
      module: DevMailboxModule,
      controllers: enabled ? [DevMailboxController] : [],
      providers: enabled ? [DevMailboxService] : [],
    };
  }
}
