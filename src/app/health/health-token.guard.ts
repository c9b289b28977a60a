import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { APP_CONFIG, type AppConfig } from '../config/app.config';

/**
 * Lets a request through only with `Authorization: Bearer <HEALTH_TOKEN>`. Without HEALTH_TOKEN the
 * route answers exactly as one that does not exist. Neither the token nor the header is ever logged.
 */
@Injectable()
export class HealthTokenGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const expected = this.config.healthToken;
    if (!expected) {
      // Nest's own answer for an unknown route, word for word: the feature is off and says so to no one.
      const http = this.adapterHost.httpAdapter;
      throw new NotFoundException(
        `Cannot ${http.getRequestMethod(request)} ${http.getRequestUrl(request)}`,
      );
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined || !sameSecret(presented, expected.reveal())) {
      throw new PasswordResetError(
        PasswordResetErrorCode.Unauthenticated,
        'A valid health token is required',
      );
    }
    return true;
  }
}

/** The token of `Bearer <token>` (scheme in any case), or undefined for anything else. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Compares SHA-256 digests rather than the strings: both are 32 bytes whatever was sent, so
 * `timingSafeEqual` applies and neither its result nor its duration says how long the token is.
 */
function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
