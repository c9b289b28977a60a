import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PasswordResetErrorFilter } from './password-reset-error.filter';

/**
 * `middleware` with its errors answered by {@link PasswordResetErrorFilter}, as the routes' are. Nest
 * hands an error from middleware to the host's global filters only (a controller's `@UseFilters`
 * does not reach it), so without this a host's filter would reshape, say, the module's JSON-only 415.
 */
export function withOwnErrorAnswers(middleware: RequestHandler): RequestHandler {
  const filter = new PasswordResetErrorFilter();
  return (request: Request, response: Response, next: NextFunction): void => {
    void middleware(request, response, (error?: unknown) => {
      // `next('route')` and `next('router')` are Express's own signals, not errors.
      if (error === undefined || error === 'route' || error === 'router') next(error);
      else filter.answer(error, request, response);
    });
  };
}
