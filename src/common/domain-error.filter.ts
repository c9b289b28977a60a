import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorCode } from './domain-error';

const STATUS: Record<DomainErrorCode, { status: HttpStatus; error: string }> = {
  [DomainErrorCode.EmailTaken]: { status: HttpStatus.CONFLICT, error: 'Conflict' },
  [DomainErrorCode.InvalidCredentials]: { status: HttpStatus.UNAUTHORIZED, error: 'Unauthorized' },
  [DomainErrorCode.Unauthenticated]: { status: HttpStatus.UNAUTHORIZED, error: 'Unauthorized' },
  [DomainErrorCode.WeakPassword]: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  [DomainErrorCode.InvalidResetToken]: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  [DomainErrorCode.Busy]: { status: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable' },
};

/** Seconds a client should wait before repeating a request refused as `Busy`. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/** Maps domain errors to HTTP in the same body shape Nest uses for its own errors. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(exception: DomainError, host: ArgumentsHost): void {
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
