import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ThrottleConfig } from '../../config/throttle.config';
import { DomainErrorFilter } from '../domain-error.filter';
import { ClientErrorFilter } from './client-error.filter';
import { StrictValidationPipe } from './validation.pipe';

/** The largest body any route accepts; bigger ones get a 413. */
export const BODY_LIMIT = '100kb';

/**
 * Everything global about the HTTP app, shared by `main.ts` and the e2e tests so both run the same
 * stack. Create the app with `{ bodyParser: false }`: the parsers are registered here with our limit.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  // The client IP (for per-IP limits) is the socket's unless TRUST_PROXY names the proxies to believe.
  app.set('trust proxy', app.get(ConfigService).getOrThrow<ThrottleConfig>('throttle').trustProxy);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.useGlobalPipes(new StrictValidationPipe());
  // Nest tries global filters from the last registered: domain errors first, then the rest.
  app.useGlobalFilters(new ClientErrorFilter(app.getHttpAdapter()), new DomainErrorFilter());
  app.enableShutdownHooks();

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
