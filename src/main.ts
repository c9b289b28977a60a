import { ConsoleLogger, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app/app.module';
import type { AppConfig } from './app/config/app.config';
import { configureApp } from './app/http/configure-app';
import { lowerThreadPoolPriority } from './common/process/thread-pool-priority';

async function bootstrap(): Promise<void> {
  // Before anything else can start libuv's thread pool: argon2 runs there, below the event loop.
  await lowerThreadPoolPriority();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), {
    bodyParser: false,
    // Held until the configured logger is in place, then printed through it.
    bufferLogs: true,
  });
  const { port, logLevels } = app.get(ConfigService).getOrThrow<AppConfig>('app');
  app.useLogger(new ConsoleLogger({ logLevels }));
  configureApp(app);
  await app.listen(port);
  new Logger('Bootstrap').log(`Listening on http://localhost:${port} (Swagger UI at /docs)`);
}

bootstrap().catch((error: unknown) => {
  // Start-up errors (bad environment, unreachable database) are the operator's to fix: say so plainly.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
