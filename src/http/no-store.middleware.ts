import type { NextFunction, Request, Response } from 'express';

/**
 * `Cache-Control: no-store` on every answer of the routes it is applied to: they carry access tokens,
 * account data and answers about reset links, which no browser or proxy cache should keep. Applied
 * as middleware so that answers made before the handler (401 from a guard, 429 from the throttler,
 * 400 from validation) carry it too.
 */
export function noStore(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  next();
}
