import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';
import { ACCESS_TOKEN_SCHEME } from '../../accounts/access-tokens/access-token.guard';
import { optionRow } from '../../password-reset.option-table';
import type { AppConfig } from '../config/app.config';

/**
 * The security scheme of `GET /health/details`: the operators' token, kept apart from the access
 * tokens' scheme by its name, description and `bearerFormat`, so Swagger UI asks for each in its own
 * field and a generated client cannot mistake one for the other.
 */
export const HEALTH_TOKEN_SCHEME = 'healthToken';

/**
 * What Swagger UI shows above the Authorize button, so kept to a screen: where to start, the reset
 * flow in brief and the error shape. The rest is in the operations' descriptions and the README.
 */
const DESCRIPTION = `Register, sign in, and recover a forgotten password by email. Start with \`register\` and
\`login\`, then press **Authorize** and paste the \`accessToken\` that \`login\` answers.

The reset flow: \`forgotPassword\` answers the same body for every well-formed address, and sends an
account's address a link that holds the token in its fragment (\`#token=…\`); \`verifyResetToken\`
checks the token, and \`resetPassword\` sets the new password and signs nobody in. Every refused
token gets \`INVALID_RESET_TOKEN\`. Errors are \`{ statusCode, error, code?, message }\`; a \`429\` or
\`503\` carries \`Retry-After\`. The README explains the rest.`;

/**
 * The server the document lists, where Swagger UI's "Try it out" and generated clients send
 * requests: `PUBLIC_API_URL` when set; else, outside production, this machine at `PORT` (the
 * address the README and the start-up log give); else `/`, the origin that serves the document.
 */
export function apiServer(config: AppConfig): { url: string; description: string } {
  if (config.publicApiUrl) {
    return { url: config.publicApiUrl.replace(/\/+$/, ''), description: 'PUBLIC_API_URL' };
  }
  if (!config.isProduction) {
    return { url: `http://localhost:${config.port}`, description: 'This machine, at PORT' };
  }
  return { url: '/', description: 'The origin that serves this document' };
}

/**
 * The standalone service's OpenAPI document, all but the paths (Nest reads those from the
 * controllers).
 */
export function apiDocumentConfig(config: AppConfig): Omit<OpenAPIObject, 'paths'> {
  const server = apiServer(config);
  return (
    new DocumentBuilder()
      .setTitle('nest-password-reset')
      .setDescription(DESCRIPTION)
      .setVersion('0.1.0')
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      .addServer(server.url, server.description)
      .addTag(
        // The tag of the module's routes: its apiTag option, which this service leaves at the default.
        optionRow('apiTag').default,
        'The reset flow, and the built-in accounts: sign-up, sign-in, password change and the ' +
          'signed-in account',
      )
      .addTag('health', 'Whether the instance can serve requests, and details for operators')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The access token that `login` answers (its `accessToken`), for `getMe`, `deleteMe` and ' +
            '`changePassword`. It expires after JWT_EXPIRES_IN and ends at the next password change.',
        },
        ACCESS_TOKEN_SCHEME,
      )
      // addBearerAuth would default the format to JWT; this token is an opaque string.
      .addSecurity(HEALTH_TOKEN_SCHEME, {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'HEALTH_TOKEN',
        description:
          "The operators' HEALTH_TOKEN (an opaque string from the service's environment, not an " +
          'access token), for `getHealthDetails` only.',
      })
      .build()
  );
}
