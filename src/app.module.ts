import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerModule } from '@nestjs/throttler';
import { MailerModule } from '@nestjs-modules/mailer';
import { AuthModule } from './auth/auth.module';
import { appConfig } from './config/app.config';
import { databaseConfig } from './config/database.config';
import { mailConfig } from './config/mail.config';
import { validateEnvironment } from './config/validate-environment';
import { throttleConfig } from './config/throttle.config';
import { typeOrmRoot } from './database/typeorm-root';
import { HealthModule } from './health/health.module';
import { buildMailerOptions } from './mail/mailer-options.factory';
import { RouteThrottlerGuard } from './throttling/route-throttler.guard';
import { buildThrottlerOptions } from './throttling/throttler-options.factory';
import { UsersModule } from './users/users.module';

/** Options for running the service standalone. */
export interface AppModuleOptions {
  /** Read a `.env` file from the working directory (default true; tests turn it off). */
  envFile?: boolean;
}

/**
 * The standalone service: owns the connection, the event bus, the scheduler, the mailer and the
 * per-IP throttler (a global guard), and mounts the feature modules. A host app does the same wiring with its own connection and imports the feature modules.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: options.envFile === false,
          load: [appConfig, databaseConfig, mailConfig, throttleConfig],
          validate: validateEnvironment,
        }),
        typeOrmRoot(),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        ThrottlerModule.forRootAsync({
          inject: [throttleConfig.KEY],
          useFactory: (config: ConfigType<typeof throttleConfig>) => buildThrottlerOptions(config),
        }),
        MailerModule.forRootAsync({
          inject: [mailConfig.KEY],
          useFactory: (config: ConfigType<typeof mailConfig>) => buildMailerOptions(config),
        }),
        UsersModule,
        AuthModule,
        HealthModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: RouteThrottlerGuard }],
    };
  }
}
