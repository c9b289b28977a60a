import { ConsoleLogger, Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app/app.module';
import type { AppConfig } from './app/config/app.config';
import type { MailConfig } from './app/config/mail.config';
import { configureApp } from './app/http/configure-app';
import { startupMessages } from './app/http/startup-messages';
import { lowerThreadPoolPriority } from './common/process/thread-pool-priority';

async function bootstrap(): Promise<void> {
  // argon2 hashes in libuv's thread pool. One thread per core keeps every core busy under load;
  // more (the default is 4) only adds 19 MiB of hashing memory each and time lost to switching.
  // Set before anything starts the pool, which reads it once.
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, availableParallelism()));
  // Then lower the pool's priority, so the event loop answers first under load.
  await lowerThreadPoolPriority();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), {
    bodyParser: false,
    // Held until the configured logger is in place, then printed through it (flushLogs below).
    bufferLogs: true,
    // A start-up error reaches the catch below, which prints its message alone. Nest's default logs
    // it with a stack trace and exits first; the buffered lines, that log among them, are dropped.
    abortOnError: false,
    autoFlushLogs: false,
  });
  const config = app.get(ConfigService);
  const appConfig = config.getOrThrow<AppConfig>('app');
  const { port, host, logLevels } = appConfig;
  app.useLogger(new ConsoleLogger({ logLevels }));
  app.flushLogs();
  configureApp(app);
  // Without a host Node listens on every interface (IPv6 and IPv4 where it can).
  await (host === undefined ? app.listen(port) : app.listen(port, host));
  const address = app.getHttpServer().address() as AddressInfo;
  const logger = new Logger('Bootstrap');
  for (const message of startupMessages(address, appConfig, config.getOrThrow<MailConfig>('mail')))
    logger.log(message);
}

bootstrap().catch((error: unknown) => {
  // Start-up errors (bad environment, unreachable database) are the operator's to fix: say so plainly.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
