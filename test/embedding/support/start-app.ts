import type { DynamicModule, ExceptionFilter, PipeTransform } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { CapturingLogger } from '../../support/log-capture';

export interface RunningApp {
  app: NestExpressApplication;
  /** Requests to the listening server, over a real socket. */
  http: () => TestAgent;
  logger: CapturingLogger;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The host's global prefix, if it has one. */
  globalPrefix?: string;
  /** Pipes the host's main.ts registers with `app.useGlobalPipes`. */
  globalPipes?: PipeTransform[];
  /** Filters the host's main.ts registers with `app.useGlobalFilters`. */
  globalFilters?: ExceptionFilter[];
}

/**
 * Boots a host the way a host's own main.ts would: Nest's defaults (its JSON and urlencoded body
 * parsers), no global pipe or filter (unless given), no global guard, listening on 127.0.0.1.
 * Start-up errors reject.
 */
export async function startApp(
  module: DynamicModule,
  options: StartOptions = {},
): Promise<RunningApp> {
  const logger = new CapturingLogger();
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger,
    bodyParser: true,
    abortOnError: false,
  });
  try {
    if (options.globalPrefix) app.setGlobalPrefix(options.globalPrefix);
    if (options.globalPipes) app.useGlobalPipes(...options.globalPipes);
    if (options.globalFilters) app.useGlobalFilters(...options.globalFilters);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const url = await app.getUrl();
  return { app, http: () => request(url), logger, close: () => app.close() };
}
