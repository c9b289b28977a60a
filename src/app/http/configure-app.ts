import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { isJsonContentType, jsonBodiesOnly } from '../../http/json-bodies-only.middleware';
import type { AppConfig } from '../config/app.config';
import { apiDocumentConfig } from './api-document';
import { ClientErrorFilter } from './client-error.filter';

/** The largest body any route accepts; bigger ones get a 413. */
export const BODY_LIMIT = '100kb';

/**
 * The standalone host's HTTP stack, shared by `main.ts` and the e2e tests so both run the same one:
 * what a host decides for all its routes (headers, proxies, body parsing, API docs). The module's
 * own routes bring their validation, error mapping and limits with them. Create the app with
 * `{ bodyParser: false }`: the JSON parser is registered here with our limit, and no other.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  app.disable('x-powered-by');
  // No ETags on answers built per request: the API's are `no-store`, so nobody revalidates them,
  // and Express would hash every body on the event loop (a few per cent of forgot-password's main-thread
  // time in a profile). Swagger UI's files are served by serve-static, which keeps its own.
  app.set('etag', false);
  // helmet's defaults on every answer: a strict Content-Security-Policy (Swagger UI's assets are
  // same-origin files), nosniff, no framing by other sites, HSTS, no Referer.
  app.use(helmet());
  // The client IP (for per-IP limits) is the socket's unless TRUST_PROXY names the proxies to believe.
  app.set('trust proxy', config.trustProxy);
  // Before any parser: a body that is not JSON is refused unread, on every route.
  app.use(jsonBodiesOnly);
  app.useBodyParser('json', { limit: BODY_LIMIT, type: isJsonContentType });
  // Body-parser's refusals (413, malformed JSON) as the client errors they are, without a stack.
  app.useGlobalFilters(new ClientErrorFilter(app.getHttpAdapter()));
  app.enableShutdownHooks();

  // Production does not advertise its API unless asked to (SWAGGER_ENABLED=true).
  if (!config.swaggerEnabled) return app;
  SwaggerModule.setup('docs', app, createApiDocument(app), {
    swaggerOptions: {
      // For a newcomer: a pasted token survives a reload, and each operation shows the name a
      // generated client calls it by. No sorter: the document's order (sign-up and login first).
      persistAuthorization: true,
      displayOperationId: true,
    },
  });
  return app;
}

/** The OpenAPI document the service serves at `/docs-json`. */
export function createApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  return SwaggerModule.createDocument(app, apiDocumentConfig(config));
}
