import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { PasswordResetSettings } from '../password-reset.options';
import { resetPageHeaders } from './reset-page.headers';

/** One `GET` route of the page: a path under the host's prefix and what answers it. */
export interface ResetPageRoute {
  path: string;
  handler: (request: Request, response: Response, next: NextFunction) => void;
}

/** The settings the page is built from. */
export type ResetPageSettings = Pick<PasswordResetSettings, 'resetPath' | 'signInUrl' | 'appName'>;

/**
 * The page's files: `assets/` beside this file, in `src/` and in the built `dist/` alike (nest-cli
 * copies it), so `npm start`, the tests and an installed package all read the same ones.
 */
export function resetPageAssetsDir(): string {
  return join(__dirname, 'assets');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/**
 * Where the page's two files are, relative to the page, so that they resolve under any global
 * prefix and behind a proxy that adds a path of its own: the page at `…/reset-password` links to
 * `./reset-password/reset-page.js`, at `…/reset-password/` to `./reset-page.js`. The segment is taken
 * from the path the route matched, the only one the browser's own relative resolution agrees with.
 */
export function assetBaseFor(requestPath: string): string {
  if (requestPath.endsWith('/')) return './';
  return `./${requestPath.slice(requestPath.lastIndexOf('/') + 1)}/`;
}

/** The HTML document for a request to `requestPath`; every value put into it is escaped. */
export function renderResetPage(
  template: string,
  settings: ResetPageSettings,
  requestPath: string,
): string {
  const values: Record<string, string> = {
    appName: settings.appName,
    resetPath: settings.resetPath,
    signInUrl: settings.signInUrl,
    assetBase: assetBaseFor(requestPath),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) =>
    name in values ? escapeHtml(values[name]) : placeholder,
  );
}

/**
 * The reference reset page: the HTML at `resetPath`, its script and stylesheet beneath it, each with
 * the page's own security headers and `Cache-Control: no-store`. The files are read once, here, so a
 * package missing them fails at start-up rather than on the first visit.
 */
export function resetPageRoutes(settings: ResetPageSettings): ResetPageRoute[] {
  const read = (name: string) => readFileSync(join(resetPageAssetsDir(), name), 'utf8');
  const template = read('reset-page.html');
  const script = read('reset-page.js');
  const stylesheet = read('reset-page.css');
  const headers = resetPageHeaders();

  const answer =
    (type: string, body: (request: Request) => string): ResetPageRoute['handler'] =>
    (request, response, next) =>
      headers(request, response, (error?: unknown) => {
        if (error) return next(error);
        response.setHeader('Cache-Control', 'no-store');
        response.status(200).type(type).send(body(request));
      });

  const base = settings.resetPath.replace(/\/+$/, '');
  return [
    {
      path: settings.resetPath,
      handler: answer('text/html; charset=utf-8', (request) =>
        renderResetPage(template, settings, request.path),
      ),
    },
    {
      path: `${base}/reset-page.js`,
      handler: answer('text/javascript; charset=utf-8', () => script),
    },
    {
      path: `${base}/reset-page.css`,
      handler: answer('text/css; charset=utf-8', () => stylesheet),
    },
  ];
}
