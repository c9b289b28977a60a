import { CanActivate, ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request } from 'express';
import { isLoopbackAddress } from '../../common/loopback-address';

/**
 * Lets through only clients on this machine: the mailbox shows live reset links. It goes by the
 * socket's peer address, never `req.ip`, which follows X-Forwarded-For under TRUST_PROXY and can be
 * written by anyone. A request that came through a proxy (X-Forwarded-For or Forwarded) is refused
 * too: a tunnel or reverse proxy on this machine connects from loopback on behalf of anyone.
 * Everyone else gets Nest's answer for an unknown route, so the pages do not say they exist.
 */
@Injectable()
export class LoopbackClientsGuard implements CanActivate {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const forwarded =
      request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
    if (!forwarded && isLoopbackAddress(request.socket.remoteAddress)) return true;
    const http = this.adapterHost.httpAdapter;
    throw new NotFoundException(
      `Cannot ${http.getRequestMethod(request)} ${http.getRequestUrl(request)}`,
    );
  }
}
