import { ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

/**
 * What body-parser throws for a body it refuses (too large, malformed, wrong charset…). A body that
 * fails to decompress comes with zlib's error wrapped as an exposed 400 but no `type`.
 */
interface BodyParserError {
  status: number;
  type?: string;
  expose?: boolean;
  message: string;
}

function isBodyParserError(exception: unknown): exception is BodyParserError {
  if (typeof exception !== 'object' || exception === null) return false;
  const { status, type, expose } = exception as Partial<BodyParserError>;
  return (
    typeof status === 'number' &&
    status >= 400 &&
    status < 500 &&
    (typeof type === 'string' || expose === true)
  );
}

function messageOf(exception: BodyParserError, request: Request): string {
  if (exception.status === (HttpStatus.PAYLOAD_TOO_LARGE as number)) {
    return 'The request body is larger than 100 kB';
  }
  if (exception.type === undefined) {
    const encoding = request.headers['content-encoding'] ?? 'none';
    return `The request body could not be decompressed (Content-Encoding: ${encoding})`;
  }
  return exception.message;
}

/**
 * Answers body-parser's refusals (413, 400, 415) as the client errors they are, without the error
 * log and stack trace Nest writes for unknown exceptions: anyone can send an oversized body, and
 * that must not flood the log. Everything else goes to Nest's default handling.
 *
 * Every error answer it writes is `Cache-Control: no-store`. Refusals made before any route (the
 * body parser's, `jsonBodiesOnly`'s 415, an unknown route's 404) never pass the module's `noStore`
 * middleware, and an error answer is never worth keeping anyway.
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (!response.headersSent) response.setHeader('Cache-Control', 'no-store');
    if (!isBodyParserError(exception)) {
      super.catch(exception, host);
      return;
    }
    response.status(exception.status).json({
      statusCode: exception.status,
      error: STATUS_CODES[exception.status] ?? 'Bad Request',
      message: messageOf(exception, http.getRequest<Request>()),
    });
  }
}
