import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { isIPv6 } from 'node:net';
import { sha256Hex } from '../../common/sha256';
import { PASSWORD_RESET_SETTINGS, PER_IP_STORAGE } from '../../password-reset.constants';
import type { PasswordResetSettings } from '../../password-reset.options';
import { clientNetwork } from '../per-address/client-network';
import { PerIpLimitName, RATE_LIMIT_KEY } from './rate-limit.decorator';

/**
 * The module's per-IP limits, applied by its controllers (`@UseGuards`), so a host needs no global
 * guard and its own routes are never counted. A route counts only against the one limit its
 * `@RateLimit` names, keyed by limit and client (so reset and verify share a bucket); an IPv6 client
 * counts by its /56, a customer's usual allocation. Counting uses `@nestjs/throttler`'s storage
 * interface (memory, Redis or the host's own). Over the limit: 429 with a plain `Retry-After`.
 */
@Injectable()
export class PerIpLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PER_IP_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {}

  /** Storage keys by `limit:client`: a client sends many requests, and each needed a SHA-256. */
  private readonly keys = new Map<string, string>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = this.reflector.getAllAndOverride<PerIpLimitName | undefined>(RATE_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!name) return true;
    const { limit, windowSeconds } = this.settings.limits.perIp[name];
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    // `ip` honours the host's `trust proxy`; a forged X-Forwarded-For counts only behind a trusted proxy.
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const client = isIPv6(ip) && !ip.startsWith('::ffff:') ? clientNetwork(ip) : ip;
    const windowMs = windowSeconds * 1000;
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(
      this.keyOf(`${name}:${client}`),
      windowMs,
      limit,
      windowMs,
      name,
    );
    if (!isBlocked) return true;
    const seconds = Math.max(1, Math.ceil(timeToBlockExpire));
    http.getResponse<Response>().setHeader('Retry-After', String(seconds));
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

  /** The client is hashed so that no IP address is kept in the storage (Redis, say). */
  private keyOf(limitAndClient: string): string {
    let key = this.keys.get(limitAndClient);
    if (key === undefined) {
      // Bounded: dropped whole when full, which costs a few hashes again.
      if (this.keys.size >= 10_000) this.keys.clear();
      key = sha256Hex(limitAndClient);
      this.keys.set(limitAndClient, key);
    }
    return key;
  }
}
