import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type HeadersObject } from '@nestjs/swagger';
import { PasswordResetErrorCode } from '../errors/password-reset-error';
import { ErrorResponseDto } from './error-response.dto';
import { JSON_ONLY_MESSAGE } from './json-bodies-only.middleware';

/**
 * OpenAPI documentation of the module's error answers: each status a route can send, in the shared
 * {@link ErrorResponseDto} shape, with example bodies copied from what the routes really answer (the
 * OpenAPI e2e test compares several of them with live answers). Documentation only: nothing here
 * changes how a request is handled.
 */

/** A documented error body: the example's name in the document, its summary and the body itself. */
export interface ErrorExample {
  name: string;
  summary: string;
  value: ErrorResponseDto;
}

function errorBody(
  statusCode: HttpStatus,
  error: string,
  message: string | string[],
  code?: PasswordResetErrorCode,
): ErrorResponseDto {
  return code ? { statusCode, error, code, message } : { statusCode, error, message };
}

/** The validation `400` of a route, with the messages a typical bad body gets. */
export function invalidBody(...messages: string[]): ErrorExample {
  return {
    name: 'invalidBody',
    summary: 'A field is missing, of the wrong type or not expected: one message per problem',
    value: errorBody(HttpStatus.BAD_REQUEST, 'Bad Request', messages),
  };
}

/** Example bodies of the refusals several routes share. */
export const ERROR_EXAMPLES = {
  notAnObject: {
    name: 'notAnObject',
    summary:
      "The body is JSON but not an object (malformed JSON is a 400 too, with the parser's message)",
    value: errorBody(
      HttpStatus.BAD_REQUEST,
      'Bad Request',
      'The request body must be a JSON object',
    ),
  },
  weakPassword: {
    name: 'weakPassword',
    summary:
      'The new password is too easy to guess, or appeared in known data breaches; the message says why',
    value: errorBody(
      HttpStatus.BAD_REQUEST,
      'Bad Request',
      'Password is too easy to guess. This is a commonly used password. Add more words that are less common.',
      PasswordResetErrorCode.WeakPassword,
    ),
  },
  invalidResetToken: {
    name: 'invalidResetToken',
    summary: 'Unknown, used, expired or replaced token: one answer for all of them',
    value: errorBody(
      HttpStatus.BAD_REQUEST,
      'Bad Request',
      'This reset link is invalid or has expired. Request a new one.',
      PasswordResetErrorCode.InvalidResetToken,
    ),
  },
  invalidResetCode: {
    name: 'invalidResetCode',
    summary:
      'Wrong, expired, used or burnt code, unknown address, or a network past its wrong tries: one answer for all of them',
    value: errorBody(
      HttpStatus.BAD_REQUEST,
      'Bad Request',
      'This code is wrong or no longer works. Check it, or ask for a new email.',
      PasswordResetErrorCode.InvalidResetCode,
    ),
  },
  emailTaken: {
    name: 'emailTaken',
    summary: 'The address already has an account',
    value: errorBody(
      HttpStatus.CONFLICT,
      'Conflict',
      'An account with this email already exists',
      PasswordResetErrorCode.EmailTaken,
    ),
  },
  invalidCredentials: {
    name: 'invalidCredentials',
    summary: 'Unknown email, wrong password or locked address: the same answer',
    value: errorBody(
      HttpStatus.UNAUTHORIZED,
      'Unauthorized',
      'Email or password is incorrect',
      PasswordResetErrorCode.InvalidCredentials,
    ),
  },
  wrongCurrentPassword: {
    name: 'wrongCurrentPassword',
    summary: 'The current password is wrong (counts as a failed login)',
    value: errorBody(
      HttpStatus.UNAUTHORIZED,
      'Unauthorized',
      'Current password is incorrect',
      PasswordResetErrorCode.InvalidCredentials,
    ),
  },
  noAccessToken: {
    name: 'noAccessToken',
    summary: 'No access token, or one that is invalid, expired or ended by a password change',
    value: errorBody(
      HttpStatus.UNAUTHORIZED,
      'Unauthorized',
      'A valid access token is required',
      PasswordResetErrorCode.Unauthenticated,
    ),
  },
} satisfies Record<string, ErrorExample>;

function retryAfter(example: number): HeadersObject {
  return {
    'Retry-After': {
      required: true,
      description: 'Seconds to wait before sending the request again',
      schema: { type: 'integer', minimum: 1, example },
    },
  };
}

const WWW_AUTHENTICATE: HeadersObject = {
  'WWW-Authenticate': {
    required: true,
    description: 'The scheme to authenticate with',
    schema: { type: 'string', enum: ['Bearer'], example: 'Bearer' },
  },
};

/**
 * One error status of a route: what it means there, its example bodies and, if any, its headers.
 * The schema is {@link ErrorResponseDto}'s with `code` narrowed to the codes of the examples, which
 * list every refusal the route sends with that status: a client (or a validating proxy) then knows
 * the codes each answer can carry, and that an answer whose examples have none carries none.
 */
export const ApiErrorResponse = (
  status: HttpStatus,
  description: string,
  examples: ErrorExample[],
  headers?: HeadersObject,
): MethodDecorator & ClassDecorator => {
  const codes = [...new Set(examples.flatMap(({ value }) => value.code ?? []))];
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ApiResponse({
      status,
      description,
      schema: {
        allOf: [{ $ref: getSchemaPath(ErrorResponseDto) }],
        properties: {
          code: codes.length > 0 ? { type: 'string', enum: codes } : { not: {} },
        },
      },
      examples: Object.fromEntries(
        examples.map(({ name, summary, value }) => [name, { summary, value }]),
      ),
      ...(headers ? { headers } : {}),
    }),
  );
};

/**
 * `400` of a route with a body: `invalid` (its validation refusal), a body that is not a JSON object,
 * and the route's own refusals.
 */
export const ApiBadRequest = (
  description: string,
  invalid: ErrorExample,
  ...examples: ErrorExample[]
): MethodDecorator =>
  ApiErrorResponse(HttpStatus.BAD_REQUEST, description, [
    invalid,
    ERROR_EXAMPLES.notAnObject,
    ...examples,
  ]);

/**
 * `413` and `415`, which any route taking a JSON body can answer before it runs: the body's size
 * limit is the host's (100 kB in the standalone service); the JSON-only rule is the module's.
 */
export const ApiJsonBodyRefusals = (): MethodDecorator =>
  applyDecorators(
    ApiErrorResponse(
      HttpStatus.PAYLOAD_TOO_LARGE,
      'The body is larger than the host accepts (100 kB in the standalone service)',
      [
        {
          name: 'bodyTooLarge',
          summary: 'A body over the limit',
          value: errorBody(
            HttpStatus.PAYLOAD_TOO_LARGE,
            'Payload Too Large',
            'The request body is larger than 100 kB',
          ),
        },
      ],
    ),
    ApiErrorResponse(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'The body is not sent as `application/json` (forms, multipart, text/plain, ' +
        '`application/*+json` and bodies without a Content-Type are refused unread)',
      [
        {
          name: 'notJson',
          summary: 'A body sent as anything but application/json',
          value: errorBody(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            'Unsupported Media Type',
            JSON_ONLY_MESSAGE,
          ),
        },
      ],
    ),
  );

/** `429` from the per-IP limit named in `description`, with `Retry-After`. */
export const ApiRateLimited = (description: string): MethodDecorator =>
  ApiErrorResponse(
    HttpStatus.TOO_MANY_REQUESTS,
    `${description}. Wait the seconds in Retry-After.`,
    [
      {
        name: 'rateLimited',
        summary: 'Over the per-IP limit',
        value: errorBody(
          HttpStatus.TOO_MANY_REQUESTS,
          'Too Many Requests',
          'Too many requests. Try again in 60 seconds.',
        ),
      },
    ],
    retryAfter(60),
  );

/** `401` with `WWW-Authenticate: Bearer`, as every 401 of the module is sent. */
export const ApiUnauthorized = (
  description: string,
  ...examples: ErrorExample[]
): MethodDecorator =>
  ApiErrorResponse(HttpStatus.UNAUTHORIZED, description, examples, WWW_AUTHENTICATE);

/**
 * `503` with `Retry-After: 1`, for routes that check a new password: `BUSY` (strength check
 * overloaded) or `UNAVAILABLE` (breached-password endpoint down, when the module fails closed).
 */
export const ApiBusy = (): MethodDecorator =>
  ApiErrorResponse(
    HttpStatus.SERVICE_UNAVAILABLE,
    'The new password could not be checked in time: the service is overloaded (`BUSY`), or the ' +
      'breached-password endpoint did not answer and the service is set to fail closed ' +
      '(`UNAVAILABLE`); the same request may succeed after Retry-After',
    [
      {
        name: 'busy',
        summary: 'Overloaded: send the same request again in a moment',
        value: errorBody(
          HttpStatus.SERVICE_UNAVAILABLE,
          'Service Unavailable',
          'The password could not be checked right now. Try again in a moment.',
          PasswordResetErrorCode.Busy,
        ),
      },
      {
        name: 'breachCheckUnavailable',
        summary: 'The breached-password endpoint did not answer (PWNED_PASSWORDS_FAIL_CLOSED)',
        value: errorBody(
          HttpStatus.SERVICE_UNAVAILABLE,
          'Service Unavailable',
          'The password could not be checked against known data breaches right now. Try again in a moment.',
          PasswordResetErrorCode.Unavailable,
        ),
      },
    ],
    retryAfter(1),
  );
