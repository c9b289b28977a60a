import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { JSON_ONLY_MESSAGE, jsonBodiesOnly } from './json-bodies-only.middleware';

/** What the middleware passes to `next`: nothing to go on, or the error to answer with. */
function run(method: string, headers: Record<string, string>): unknown {
  const next = jest.fn();
  jsonBodiesOnly({ method, headers } as unknown as Request, {} as Response, next);
  expect(next).toHaveBeenCalledTimes(1);
  return next.mock.calls[0][0] as unknown;
}

const withBody = { 'content-length': '20' };

describe(jsonBodiesOnly.name, () => {
  it.each([
    ['JSON', 'POST', { ...withBody, 'content-type': 'application/json' }],
    [
      'JSON with a charset',
      'POST',
      { ...withBody, 'content-type': 'application/json; charset=utf-8' },
    ],
    ['JSON in capitals', 'POST', { ...withBody, 'content-type': 'APPLICATION/JSON' }],
    [
      'a chunked JSON body',
      'PUT',
      { 'transfer-encoding': 'chunked', 'content-type': 'application/json' },
    ],
    ['a POST with no body and no type', 'POST', {}],
    ['a POST with an empty body and no type', 'POST', { 'content-length': '0' }],
    ['a GET that names a type but has no body', 'GET', { 'content-type': 'text/plain' }],
    ['a DELETE with no body', 'DELETE', {}],
    [
      'a CORS preflight for a JSON POST',
      'OPTIONS',
      {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    ],
  ])('should let through %s', (_kind, method, headers) => {
    expect(run(method, headers)).toBeUndefined();
  });

  it.each([
    ['a form', 'POST', { ...withBody, 'content-type': 'application/x-www-form-urlencoded' }],
    ['multipart', 'POST', { ...withBody, 'content-type': 'multipart/form-data; boundary=x' }],
    ['plain text', 'POST', { ...withBody, 'content-type': 'text/plain;charset=UTF-8' }],
    ['a JSON suffix type', 'PATCH', { ...withBody, 'content-type': 'application/ld+json' }],
    [
      'JSON as a parameter',
      'POST',
      { ...withBody, 'content-type': 'text/plain; x=application/json' },
    ],
    ['a garbage type', 'POST', { ...withBody, 'content-type': ';;;' }],
    ['a body with no type', 'POST', withBody],
    ['a chunked body with no type', 'POST', { 'transfer-encoding': 'chunked' }],
    ['an empty form', 'POST', { 'content-length': '0', 'content-type': 'text/plain' }],
    ['a DELETE with a text body', 'DELETE', { ...withBody, 'content-type': 'text/plain' }],
  ])('should refuse %s with a 415 that says to send JSON', (_kind, method, headers) => {
    const error = run(method, headers);

    expect(error).toBeInstanceOf(UnsupportedMediaTypeException);
    expect((error as UnsupportedMediaTypeException).getResponse()).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: JSON_ONLY_MESSAGE,
    });
  });
});
