import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';
import { optionRow } from '../../password-reset.option-table';

/**
 * The security scheme of `GET /health/details`. Kept apart from the access tokens' `bearer` (the
 * module's routes use that default name, so a host's own `addBearerAuth()` matches them): Swagger
 * UI then asks for each token in its own field, and a client cannot mistake one for the other. It
 * is declared with `addSecurity`: `addBearerAuth` would call the opaque token a JWT.
 */
export const HEALTH_TOKEN_SCHEME = 'healthToken';

const DESCRIPTION = `Register, sign in, forget the password, get a reset email, set a new one.

## The reset flow

1. \`forgotPassword\` (\`POST /auth/forgot-password\`) with the address. The answer is \`202\` with the
   same body for every well-formed address; the email goes out after the answer.
2. An address with an account is sent a link: \`FRONTEND_URL\` + \`RESET_PASSWORD_PATH\` + \`#token=…\`.
   The token rides in the URL's fragment, which browsers never send to a server nor put in a
   \`Referer\`: the reset page reads it from \`location.hash\`. A link works once, for
   \`RESET_TOKEN_TTL_MINUTES\` (60 by default), and only the newest link of an account works; signing
   in or changing the password ends it too.
3. \`verifyResetToken\` (\`POST /auth/reset-password/verify\`) tells the page whether to show the form,
   without using the token up.
4. \`resetPassword\` (\`POST /auth/reset-password\`) with the token and the new password. It signs
   nobody in and ends every session of the account: the user then signs in with \`login\` and the new
   password.

## What the answers do not reveal

- **Whether an address has an account.** \`forgotPassword\` answers every well-formed address alike
  (status, body and headers), after the same work in the request. An address with an account is sent a
  link, one without is sent nothing. The per-address limits (by default one email a minute and five a
  day) hold for unknown addresses too, and a request past them gets the same \`202\`. (\`register\` does
  answer \`409\` for an address that is taken; it is limited per IP.)
- **Why a reset token is refused.** Unknown, used, expired and replaced tokens all get one \`400\` with
  \`code: INVALID_RESET_TOKEN\` and the same message, from \`verifyResetToken\` and \`resetPassword\`.
- **Why a login failed.** An unknown address, a wrong password and a locked address get the same \`401\`
  after the same work.
- **Anything about accounts from \`GET /health\`**, which says only \`ok\`, \`degraded\` or \`error\`; the
  email queue's counts are behind \`HEALTH_TOKEN\`.

## Authentication

Two bearer schemes. \`bearer\`: the access token from \`login\`, for \`getMe\`, \`deleteMe\` and
\`changePassword\`; it expires after \`JWT_EXPIRES_IN\` and ends at the account's next password change or
reset. \`healthToken\`: the operators' \`HEALTH_TOKEN\`, for \`getHealthDetails\` only. In Swagger UI,
press **Authorize** and paste each into its own field. Every \`401\` carries \`WWW-Authenticate: Bearer\`.

## Requests and errors

A body must be sent as \`Content-Type: application/json\` and be a JSON object: on any route, another
type gets \`415\` ("Send the body as JSON (Content-Type: application/json)") before the route runs. At
most 100 kB (\`413\`) and 32 levels deep (\`400\`). Every error body is
\`{ statusCode, error, code?, message }\`; \`code\` is set for the errors a client acts on
(\`EMAIL_TAKEN\`, \`INVALID_CREDENTIALS\`, \`UNAUTHENTICATED\`, \`WEAK_PASSWORD\`, \`INVALID_RESET_TOKEN\`,
\`BUSY\`), and a validation \`400\` lists one message per problem. Past a per-IP limit: \`429\` with
\`Retry-After\` (seconds). \`503\` with \`code: BUSY\` and \`Retry-After: 1\`: a new password could not be
checked in time; the same request may succeed a moment later. Every \`/auth\` and \`/users\` answer
carries \`Cache-Control: no-store\`.`;

/**
 * The standalone service's OpenAPI document, all but the paths (Nest reads those from the
 * controllers). The server is `/`, relative to wherever the document is served from, so Swagger UI's
 * "Try it out" works on any origin and port without configuration (a generated client is given its
 * base URL).
 */
export function apiDocumentConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('nest-password-reset')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The origin that serves this document')
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
        description: 'The access token from `login` (its `accessToken`)',
      },
      'bearer',
    )
    .addSecurity(HEALTH_TOKEN_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description: "The operators' HEALTH_TOKEN, for GET /health/details only",
    })
    .build();
}
