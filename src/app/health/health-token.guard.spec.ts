import { ExecutionContext, NotFoundException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import type { AppConfig } from '../config/app.config';
import { Secret } from '../../common/secret';
import { HealthTokenGuard } from './health-token.guard';

// Watched, not replaced: the guard must compare through it.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const TOKEN = 'a-health-token-of-some-length-1234';

function guardWith(token: string | undefined) {
  const config = { healthToken: token === undefined ? undefined : new Secret(token) } as AppConfig;
  const adapterHost = {
    httpAdapter: {
      getRequestMethod: (request: { method: string }) => request.method,
      getRequestUrl: (request: { originalUrl: string }) => request.originalUrl,
    },
  } as unknown as HttpAdapterHost;
  return new HealthTokenGuard(config, adapterHost);
}

function contextWith(authorization?: string): ExecutionContext {
  const request = {
    method: 'GET',
    originalUrl: '/health/details',
    headers: authorization === undefined ? {} : { authorization },
  };
  return {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

function refusal(guard: HealthTokenGuard, authorization?: string): unknown {
  try {
    guard.canActivate(contextWith(authorization));
  } catch (error) {
    return error;
  }
  return undefined;
}

describe(HealthTokenGuard.name, () => {
  afterEach(() => jest.clearAllMocks());

  it('should answer as for a route that does not exist when no token is configured', () => {
    const error = refusal(guardWith(undefined), `Bearer ${TOKEN}`);
    expect(error).toBeInstanceOf(NotFoundException);
    expect((error as NotFoundException).message).toBe('Cannot GET /health/details');
  });

  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER  ${TOKEN}`])(
    'should let %s through',
    (h) => {
      expect(guardWith(TOKEN).canActivate(contextWith(h))).toBe(true);
    },
  );

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['no token', 'Bearer'],
    ['a wrong token', `Bearer ${TOKEN.replace('a', 'b')}`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', `Bearer ${TOKEN}0`],
    ['the token twice', `Bearer ${TOKEN} ${TOKEN}`],
    ['another scheme', `Basic ${TOKEN}`],
    ['no scheme', TOKEN],
  ])('should refuse %s as unauthenticated', (_name, authorization) => {
    const error = refusal(guardWith(TOKEN), authorization);
    expect(error).toBeInstanceOf(PasswordResetError);
    expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.Unauthenticated);
    expect((error as PasswordResetError).message).not.toContain(TOKEN);
  });

  it('should compare fixed-length digests in constant time, whatever the lengths presented', () => {
    const compare = jest.mocked(timingSafeEqual);
    const guard = guardWith(TOKEN);
    refusal(guard, 'Bearer short');
    refusal(guard, `Bearer ${'x'.repeat(500)}`);
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [a, b] of compare.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });
});
