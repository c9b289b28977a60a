import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
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
  [PasswordResetErrorCode.InvalidEmail]: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  [PasswordResetErrorCode.Busy]: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    error: 'Service Unavailable',
  },
};

/** Seconds a client should wait before repeating a request refused as `Busy`. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Maps the module's errors to HTTP in the same body shape Nest uses for its own errors. Applied to the
 * module's controllers (`@UseFilters`), so it needs nothing from the host and touches none of its routes.
 */
@Catch(PasswordResetError)
export class PasswordResetErrorFilter implements ExceptionFilter<PasswordResetError> {
  catch(exception: PasswordResetError, host: ArgumentsHost): void {
    const { status, error } = STATUS[exception.code];
    const response = host.switchToHttp().getResponse<Response>();
    if (status === HttpStatus.UNAUTHORIZED) response.setHeader('WWW-Authenticate', 'Bearer');
    if (status === HttpStatus.SERVICE_UNAVAILABLE) {
      response.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
    }
    response
      .status(status)
      .json({ statusCode: status, error, code: exception.code, message: exception.message });
  }
}
