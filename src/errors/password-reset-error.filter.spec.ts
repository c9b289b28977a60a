import type { ArgumentsHost } from '@nestjs/common';
import { PasswordResetError, PasswordResetErrorCode } from './password-reset-error';
import { PasswordResetErrorFilter } from './password-reset-error.filter';

/** Records what the filter does to an Express response. */
class FakeResponse {
  readonly headers = new Map<string, string>();
  statusCode: number | undefined;
  body: unknown;

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
}

function httpHost(response: FakeResponse): ArgumentsHost {
  const http = {
    getResponse: () => response,
    getRequest: () => ({}),
    getNext: () => () => undefined,
  };
  return { switchToHttp: () => http, getType: () => 'http' } as unknown as ArgumentsHost;
}

function filtered(error: PasswordResetError): FakeResponse {
  const response = new FakeResponse();
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

  // Busy is about the service, not the request: the one code that is not the client's to fix.
  it.each(
    Object.values(PasswordResetErrorCode).filter((code) => code !== PasswordResetErrorCode.Busy),
  )('should map %s to a client error', (code) => {
    const response = filtered(new PasswordResetError(code, 'No'));

    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
  });

  it('should tell a client refused as Busy when to try again', () => {
    const response = filtered(new PasswordResetError(PasswordResetErrorCode.Busy, 'Later'));

    expect(response.headers.get('Retry-After')).toBe('1');
  });
});
