import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';

/** What a client sending anything but JSON is told. */
export const JSON_ONLY_MESSAGE = 'Send the body as JSON (Content-Type: application/json)';

/** Methods whose requests are meant to carry a body. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * `application/json` with any parameters (`; charset=utf-8`), in any case. `application/*+json` is
 * not accepted: nothing here speaks those formats, and the JSON body parser is given this same test
 * so the two never disagree about what is JSON.
 */
export function isJsonContentType(req: IncomingMessage): boolean {
  const header = req.headers['content-type'];
  return header?.split(';', 1)[0].trim().toLowerCase() === 'application/json';
}

function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0
  );
}

/**
 * Answers `415` to a request whose body is not JSON, before any body is read or any route matched.
 * A page on another site can make a browser POST a form (urlencoded, multipart, text/plain) with no
 * CORS preflight; with JSON as the only accepted type such a post never reaches a handler. A POST,
 * PUT or PATCH that declares a Content-Type must declare JSON; any request with a body but no
 * Content-Type is refused too. Register it before the JSON body parser.
 */
export function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction): void {
  const declared = req.headers['content-type'] !== undefined;
  const mustBeJson = hasBody(req) || (declared && BODY_METHODS.has(req.method));
  if (!mustBeJson || isJsonContentType(req)) {
    next();
    return;
  }
  // Handed to Nest's exception filters, which answer it like every other HTTP error.
  next(new UnsupportedMediaTypeException(JSON_ONLY_MESSAGE));
}
