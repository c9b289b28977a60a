import {
  type ArgumentsHost,
  BadRequestException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { PasswordResetError, PasswordResetErrorCode } from './password-reset-error';
import { PasswordResetErrorFilter } from './password-reset-error.filter';

/** Records what the filter does to an Express response. */
class FakeResponse {
  readonly headers = new Map<string, string>();
  statusCode: number | undefined;
  body: unknown;
  headersSent = false;
  ended = false;

  setHeader(name: string, value: string): this {
    this.headers.set(name, value);
    return this;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  json(body: unknown): this {
    this.body = body;
    return this;
  }

  end(): this {
    this.ended = true;
    return this;
  }
}

function httpHost(response: FakeResponse): ArgumentsHost {
  const http = {
    getResponse: () => response,
    getRequest: () => ({ method: 'POST', originalUrl: '/auth/login?next=%2Fhome' }),
    getNext: () => () => undefined,
  };
  return { switchToHttp: () => http, getType: () => 'http' } as unknown as ArgumentsHost;
}

function filtered(error: unknown, response = new FakeResponse()): FakeResponse {
  new PasswordResetErrorFilter().catch(error, httpHost(response));
  return response;
}

describe(PasswordResetErrorFilter.name, () => {
  it.each([
    [PasswordResetErrorCode.EmailTaken, 409, 'Conflict'],
    [PasswordResetErrorCode.InvalidCredentials, 401, 'Unauthorized'],
    [PasswordResetErrorCode.Unauthenticated, 401, 'Unauthorized'],
    [PasswordResetErrorCode.WeakPassword, 400, 'Bad Request'],
    [PasswordResetErrorCode.InvalidResetToken, 400, 'Bad Request'],
    [PasswordResetErrorCode.Busy, 503, 'Service Unavailable'],
    [PasswordResetErrorCode.Unavailable, 503, 'Service Unavailable'],
  ])('should answer %s with %i %s and the error body', (code, status, error) => {
    const message = `Something about ${code}`;

    const response = filtered(new PasswordResetError(code, message));

    expect(response.statusCode).toBe(status);
    expect(response.body).toEqual({ statusCode: status, error, code, message });
  });

  it.each([PasswordResetErrorCode.InvalidCredentials, PasswordResetErrorCode.Unauthenticated])(
    'should send WWW-Authenticate: Bearer with %s',
    (code) => {
      const response = filtered(new PasswordResetError(code, 'No'));

      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
    },
  );

  it.each([
    PasswordResetErrorCode.EmailTaken,
    PasswordResetErrorCode.WeakPassword,
    PasswordResetErrorCode.InvalidResetToken,
  ])('should not send WWW-Authenticate with %s', (code) => {
    const response = filtered(new PasswordResetError(code, 'No'));

    expect(response.headers.has('WWW-Authenticate')).toBe(false);
  });

  // Busy and Unavailable are about the service, not the request: the codes not the client's to fix.
  const serviceCodes: PasswordResetErrorCode[] = [
    PasswordResetErrorCode.Busy,
    PasswordResetErrorCode.Unavailable,
  ];
  it.each(Object.values(PasswordResetErrorCode).filter((code) => !serviceCodes.includes(code)))(
    'should map %s to a client error',
    (code) => {
      const response = filtered(new PasswordResetError(code, 'No'));

      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
    },
  );

  it.each(serviceCodes)('should tell a client refused as %s when to try again', (code) => {
    const response = filtered(new PasswordResetError(code, 'Later'));

    expect(response.headers.get('Retry-After')).toBe('1');
  });

  it.each([
    [
      'a validation 400 with its messages',
      new BadRequestException(['email must be an email']),
      { statusCode: 400, error: 'Bad Request', message: ['email must be an email'] },
    ],
    [
      'a 404 with a plain message',
      new NotFoundException('Cannot GET /health/details'),
      { statusCode: 404, error: 'Not Found', message: 'Cannot GET /health/details' },
    ],
    [
      'a body that is not an error body',
      new HttpException({ status: 'error' }, HttpStatus.SERVICE_UNAVAILABLE),
      { status: 'error' },
    ],
    [
      'a string response',
      new HttpException('Gone', HttpStatus.GONE),
      { statusCode: 410, message: 'Gone' },
    ],
  ])('should answer %s with the body Nest gives it by default', (_name, exception, body) => {
    const response = filtered(exception);

    expect(response.statusCode).toBe(exception.getStatus());
    expect(response.body).toEqual(body);
  });

  it('should answer an unexpected error with a 500 in the error shape, telling nothing of it', () => {
    const error = new Error('connect ECONNREFUSED 10.0.0.5:5432');
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const response = filtered(error);

      expect(response.statusCode).toBe(500);
      expect(response.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
      });
      expect(logged).toHaveBeenCalledWith(
        'POST /auth/login failed: Error: connect ECONNREFUSED 10.0.0.5:5432',
        error.stack,
      );
    } finally {
      logged.mockRestore();
    }
  });

  it.each([
    ['a domain error', new PasswordResetError(PasswordResetErrorCode.WeakPassword, 'No')],
    ['an HTTP exception', new BadRequestException()],
  ])('should not log %s: it is an answer, not a failure', (_name, exception) => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      filtered(exception);

      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it.each([
    ['a domain error', new PasswordResetError(PasswordResetErrorCode.WeakPassword, 'No')],
    ['an HTTP exception', new BadRequestException()],
    ['an unexpected error', new TypeError('x is undefined')],
  ])('should send %s as JSON that no cache keeps', (_name, exception) => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const response = filtered(exception);

      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    } finally {
      logged.mockRestore();
    }
  });

  it('should end an answer already under way rather than start another', () => {
    const started = Object.assign(new FakeResponse(), { headersSent: true });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const response = filtered(new Error('stream broke'), started);

      expect(response.ended).toBe(true);
      expect(response.statusCode).toBeUndefined();
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});
