import { RequestMethod, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { RouteInfo } from '@nestjs/common/interfaces';
import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * `value` as the origin a browser sends (`https://app.example.com`, `http://localhost:5173`): http
 * or https, a host, a port unless it is the scheme's own; no path, not even `/`, no query, no user.
 * Lower-cased as browsers send it; undefined for anything else.
 */
export function browserOrigin(value: string): string | undefined {
  if (!/^https?:\/\/[^/?#@\s]+$/i.test(value)) return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * CORS for the module's routes: a page on one of `origins` may call them and read the answers
 * (`Retry-After` included); others get no `Access-Control-Allow-Origin`, so their browser keeps the
 * answer from them. Never with credentials: the API takes bearer tokens, not cookies. Answers a
 * preflight itself (204, `Vary: Origin`), since the routes have no OPTIONS handler.
 */
export function corsMiddleware(origins: readonly string[]): RequestHandler {
  return cors({
    origin: [...origins],
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    exposedHeaders: ['Retry-After'],
    // A browser asks again after 10 minutes at most.
    maxAge: 600,
    preflightContinue: false,
    optionsSuccessStatus: 204,
  });
}

/**
 * The paths of `controllers`' routes with method OPTIONS, for middleware that answers preflights:
 * `forRoutes(controller)` mounts middleware for each route's own method only. The host's global
 * prefix is added by Nest, as for the controllers.
 */
export function preflightRoutes(controllers: readonly Type[]): RouteInfo[] {
  const paths = new Set<string>();
  for (const controller of controllers) {
    const base = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const routes = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (routes === undefined) continue;
      for (const prefix of base) {
        for (const route of [routes].flat()) {
          paths.add(
            [prefix, route]
              .map((part) => part.replace(/^\/+|\/+$/g, ''))
              .filter((part) => part !== '')
              .join('/'),
          );
        }
      }
    }
  }
  return [...paths].map((path) => ({ path, method: RequestMethod.OPTIONS }));
}
