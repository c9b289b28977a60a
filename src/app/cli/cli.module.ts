import { DynamicModule, Module } from '@nestjs/common';
import { AppModule, AppModuleOptions } from '../app.module';
import { InviteCommand } from './invite.command';
import { LinkSender } from './link-sender.service';
import { SendLinkCommand } from './send-link.command';

/**
 * The service's command line: the whole standalone service (`AppModule`, the same environment and
 * checks as `main.ts`), without HTTP, plus its commands.
 */
@Module({})
export class CliModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: CliModule,
      imports: [AppModule.forRoot(options)],
      providers: [LinkSender, SendLinkCommand, InviteCommand],
    };
  }
}
