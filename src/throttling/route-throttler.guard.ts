import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler';
import type { Response } from 'express';
import { sha256Hex } from '../common/sha256';
import { RATE_LIMIT_KEY } from './rate-limit.decorator';

/**
 * Applies to a route only the named limit its `@RateLimit` asks for (routes without one are not
 * limited), keys the count by limit name and client IP so that routes sharing a limit share a
 * bucket (reset and verify), and answers 429 with a plain `Retry-After`.
 */
@Injectable()
export class RouteThrottlerGuard extends ThrottlerGuard {
  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const wanted = this.reflector.getAllAndOverride<string | undefined>(RATE_LIMIT_KEY, [
      request.context.getHandler(),
      request.context.getClass(),
    ]);
    if (wanted !== request.throttler.name) return Promise.resolve(true);
    return super.handleRequest(request);
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return sha256Hex(`${name}:${tracker}`);
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
    // The body has the shape of every other error answer.
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `Too many requests. Try again in ${seconds} seconds.`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
