import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { AppConfig } from '../../config/app.config';
import type { ThrottleConfig } from '../../config/throttle.config';
import { DomainErrorFilter } from '../domain-error.filter';
import { ClientErrorFilter } from './client-error.filter';
import { isJsonContentType, jsonBodiesOnly } from './json-bodies-only.middleware';
import { StrictValidationPipe } from './validation.pipe';

/** The largest body any route accepts; bigger ones get a 413. */
export const BODY_LIMIT = '100kb';

/**
 * Everything global about the HTTP app, shared by `main.ts` and the e2e tests so both run the same
 * stack. Create the app with `{ bodyParser: false }`: the parsers are registered here with our limit.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  // helmet's defaults on every answer: a strict Content-Security-Policy (Swagger UI's assets are
  // same-origin files), nosniff, no framing by other sites, HSTS, no Referer.
  app.use(helmet());
  // The client IP (for per-IP limits) is the socket's unless TRUST_PROXY names the proxies to believe.
  app.set('trust proxy', app.get(ConfigService).getOrThrow<ThrottleConfig>('throttle').trustProxy);
  app.use(jsonBodiesOnly);
  app.useBodyParser('json', { limit: BODY_LIMIT, type: isJsonContentType });
  app.useGlobalPipes(new StrictValidationPipe());
  // Nest tries global filters from the last registered: domain errors first, then the rest.
  app.useGlobalFilters(new ClientErrorFilter(app.getHttpAdapter()), new DomainErrorFilter());
  app.enableShutdownHooks();

  // Production does not advertise its API unless asked to (SWAGGER_ENABLED=true).
  if (!app.get(ConfigService).getOrThrow<AppConfig>('app').swaggerEnabled) return app;
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('nest-password-reset')
      .setDescription(
        'Register, log in, forget your password, get a reset email, set a new one. ' +
          'Log in, then press Authorize and paste the accessToken to call the Bearer routes.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
