import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { MailerModule } from '@nestjs-modules/mailer';
import { PasswordResetModule } from '../password-reset.module';
import { appConfig } from './config/app.config';
import { databaseConfig } from './config/database.config';
import { loadEnvironment } from './config/environment';
import { mailConfig } from './config/mail.config';
import { passwordResetOptionsFrom } from './config/password-reset-options';
import { validateEnvironment } from './config/validate-environment';
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
 * environment, owns the connection (with the built-in accounts), the event bus and the mailer, maps
 * the environment to the module's options, and adds health checks; `main.ts` adds the HTTP stack.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    const configModule = ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: options.envFile === false,
      load: [appConfig, databaseConfig, mailConfig],
      validate: validateEnvironment,
    });
    return {
      module: AppModule,
      imports: [
        configModule,
        typeOrmRoot(),
        EventEmitterModule.forRoot(),
        MailerModule.forRootAsync({
          inject: [mailConfig.KEY],
          useFactory: (config: ConfigType<typeof mailConfig>) => buildMailerOptions(config),
        }),
        PasswordResetModule.forRootAsync({
          // ConfigModule has validated the environment by now; the factory only maps it.
          useFactory: () => passwordResetOptionsFrom(loadEnvironment()),
        }),
        TerminusModule,
        // /dev/mailbox, outside production with the dev mailbox transport only.
        DevMailboxModule.whenEnabled(configModule),
      ],
      controllers: [HealthController],
      providers: [HealthService, HealthTokenGuard],
    };
  }
}
