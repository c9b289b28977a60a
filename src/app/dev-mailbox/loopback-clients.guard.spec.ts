import { ExecutionContext, NotFoundException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { LoopbackClientsGuard } from './loopback-clients.guard';

const adapterHost = {
  httpAdapter: {
    getRequestMethod: (request: { method: string }) => request.method,
    getRequestUrl: (request: { originalUrl: string }) => request.originalUrl,
  },
} as unknown as HttpAdapterHost;

/** A request as Express hands it over: `ip` follows X-Forwarded-For under `trust proxy`, the socket does not. */
function contextOf(request: {
  socketAddress: string | undefined;
  ip?: string;
  headers?: Record<string, string>;
}): ExecutionContext {
  const http = {
    method: 'GET',
    originalUrl: '/dev/mailbox',
    ip: request.ip ?? request.socketAddress,
    socket: { remoteAddress: request.socketAddress },
    headers: request.headers ?? {},
  };
  return { switchToHttp: () => ({ getRequest: () => http }) } as unknown as ExecutionContext;
}

function refusal(context: ExecutionContext): unknown {
  try {
    new LoopbackClientsGuard(adapterHost).canActivate(context);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe(LoopbackClientsGuard.name, () => {
  it.each(['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1'])(
    'should let a client on this machine (%s) through',
    (socketAddress) => {
      expect(new LoopbackClientsGuard(adapterHost).canActivate(contextOf({ socketAddress }))).toBe(
        true,
      );
    },
  );

  it.each(['192.0.2.2', '10.0.0.7', 'fd00::2', '::ffff:192.0.2.2', undefined])(
    'should answer a client at %s as an unknown route',
    (socketAddress) => {
      const error = refusal(contextOf({ socketAddress }));

      expect(error).toBeInstanceOf(NotFoundException);
      expect((error as NotFoundException).getResponse()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Cannot GET /dev/mailbox',
      });
    },
  );

  it('should go by the socket, not by the address X-Forwarded-For claims', () => {
    const forged = contextOf({
      socketAddress: '192.0.2.2',
      ip: '127.0.0.1',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });

    expect(refusal(forged)).toBeInstanceOf(NotFoundException);
  });

  it.each<Record<string, string>>([
    { 'x-forwarded-for': '203.0.113.9' },
    { forwarded: 'for=203.0.113.9' },
  ])('should refuse a request a proxy on this machine forwarded (%p)', (headers) => {
    expect(refusal(contextOf({ socketAddress: '127.0.0.1', headers }))).toBeInstanceOf(
      NotFoundException,
    );
  });
});
