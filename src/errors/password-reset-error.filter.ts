import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeError } from '../common/describe-error';
import { PasswordResetError, PasswordResetErrorCode } from './password-reset-error';

const STATUS: Record<PasswordResetErrorCode, { status: HttpStatus; error: string }> = {
  [PasswordResetErrorCode.EmailTaken]: { status: HttpStatus.CONFLICT, error: 'Conflict' },
  [PasswordResetErrorCode.InvalidCredentials]: {
    status: HttpStatus.UNAUTHORIZED,
    error: 'Unauthorized',
  },
  [PasswordResetErrorCode.Unauthenticated]: {
    status: HttpStatus.UNAUTHORIZED,
    error: 'Unauthorized',
  },
  [PasswordResetErrorCode.WeakPassword]: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  [PasswordResetErrorCode.InvalidResetToken]: {
    status: HttpStatus.BAD_REQUEST,
    error: 'Bad Request',
  },
  [PasswordResetErrorCode.InvalidResetCode]: {
    status: HttpStatus.BAD_REQUEST,
    error: 'Bad Request',
  },
  [PasswordResetErrorCode.InvalidEmail]: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  [PasswordResetErrorCode.Busy]: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    error: 'Service Unavailable',
  },
  [PasswordResetErrorCode.Unavailable]: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    error: 'Service Unavailable',
  },
  [PasswordResetErrorCode.UnknownAccount]: { status: HttpStatus.NOT_FOUND, error: 'Not Found' },
};

/** Seconds a client should wait before repeating a request refused as `Busy`. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/** The answer to an error nobody expected: the documented shape, and nothing of the error itself. */
const UNEXPECTED_ERROR_BODY = {
  statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
  error: 'Internal Server Error',
  message: 'Internal server error',
} as const;

/** An error answer: status, body and the headers that go with it. */
interface ErrorAnswer {
  status: number;
  body: object;
  headers?: Record<string, string>;
}

function domainAnswer(exception: PasswordResetError): ErrorAnswer {
  const { status, error } = STATUS[exception.code];
  const headers: Record<string, string> = {};
  if (status === HttpStatus.UNAUTHORIZED) headers['WWW-Authenticate'] = 'Bearer';
  if (status === HttpStatus.SERVICE_UNAVAILABLE) {
    headers['Retry-After'] = String(BUSY_RETRY_AFTER_SECONDS);
  }
  return {
    status,
    body: { statusCode: status, error, code: exception.code, message: exception.message },
    headers,
  };
}

/** Exactly what Nest's own `BaseExceptionFilter` sends for an `HttpException`. */
function httpExceptionAnswer(exception: HttpException): ErrorAnswer {
  const status = exception.getStatus();
  const response = exception.getResponse();
  return {
    status,
    body: typeof response === 'object' ? response : { statusCode: status, message: response },
  };
}

function answerTo(exception: unknown): ErrorAnswer {
  if (exception instanceof PasswordResetError) return domainAnswer(exception);
  if (exception instanceof HttpException) return httpExceptionAnswer(exception);
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: UNEXPECTED_ERROR_BODY };
}

/** The request's method and path, without the query string (which could hold anything). */
function routeOf(request: Request): string {
  return `${request.method} ${(request.originalUrl ?? request.url ?? '').split('?', 1)[0]}`;
}

/**
 * Answers every error thrown on the module's routes, so they answer the same in any host: a route-
 * scoped filter comes before the host's global ones (`APP_FILTER`, `useGlobalFilters`), which would
 * otherwise reshape whatever they catch. The module's errors get their status and code; an
 * `HttpException` (validation 400, the per-IP 429, …) the body Nest gives it by default; anything else
 * a 500 in the same shape that says nothing of the error, which is logged by class, message and stack
 * only (not its other properties: a query's parameters, say). Every error answer is JSON and
 * `Cache-Control: no-store`. Applied to the module's controllers (`@UseFilters`), so it needs nothing
 * from the host and touches none of its routes.
 */
@Catch()
export class PasswordResetErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(PasswordResetErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /** Sends the answer to `exception`; also for the module's middleware, which no filter reaches. */
  answer(exception: unknown, request: Request, response: Response): void {
    const expected = exception instanceof PasswordResetError || exception instanceof HttpException;
    if (!expected) {
      const stack = exception instanceof Error ? exception.stack : undefined;
      this.logger.error(`${routeOf(request)} failed: ${describeError(exception)}`, stack);
    }
    // Too late to answer: end what was sent, as Nest does.
    if (response.headersSent) {
      response.end();
      return;
    }
    const { status, body, headers } = answerTo(exception);
    for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
    // An error answer is never worth keeping; and it is JSON whatever the route had set before failing.
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.status(status).json(body);
  }
}
