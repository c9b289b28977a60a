import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { MailerModule } from '@nestjs-modules/mailer';
import { PasswordResetModule } from '../password-reset.module';
import { configNamespaces, loadEnvironment } from './config/standalone-config';
import { typeOrmRoot } from './database/typeorm-root';
import { DevMailboxModule } from './dev-mailbox/dev-mailbox.module';
import { HealthTokenGuard } from './health/health-token.guard';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { buildMailerOptions } from './mail/mailer-options.factory';

/** Options for running the service standalone. */
export interface AppModuleOptions {
  /** Read a `.env` file from the working directory (default true; tests turn it off). */
  envFile?: boolean;
}

/**
 * The standalone service: a host of `PasswordResetModule` like any other. It reads and validates the
 * environment once, here, maps it to the module's options, owns the connection (with the built-in
 * accounts), the event bus and the mailer, and adds health checks; `main.ts` adds the HTTP stack.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    // Throws, naming every bad or missing variable, before anything starts.
    const config = loadEnvironment({ envFile: options.envFile !== false });
    return {
      module: AppModule,
      imports: [
        // The parts of that one reading, as namespaces; the process environment is not read again.
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          load: configNamespaces(config),
        }),
        typeOrmRoot(),
        EventEmitterModule.forRoot(),
        MailerModule.forRoot(buildMailerOptions(config.mail)),
        PasswordResetModule.forRoot(config.passwordReset),
        TerminusModule,
        // /dev/mailbox, outside production with the dev mailbox transport only.
        DevMailboxModule.whenEnabled(config.app, config.mail),
      ],
      controllers: [HealthController],
      providers: [HealthService, HealthTokenGuard],
    };
  }
}
