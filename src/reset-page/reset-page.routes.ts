import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { canonicalLocale, localeFromAcceptLanguage, matchLocale } from '../i18n/locale-tags';
import { FALLBACK_LOCALE, SHIPPED_LOCALES, ShippedLocale } from '../i18n/shipped-locales';
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

/** A locale's texts for the page: flat keys to text, `{name}` placeholders filled in by the script. */
export type ResetPageMessages = Record<string, string>;

/** The language a page is written in, and its texts. */
export interface ResetPageLanguage {
  locale: string;
  messages: ResetPageMessages;
}

/**
 * Every shipped locale's texts, from `assets/messages/<locale>.json`: read at start-up, so a package
 * missing one fails then rather than on a visit in that language.
 */
export function readResetPageCatalogs(): Map<ShippedLocale, ResetPageMessages> {
  return new Map(
    SHIPPED_LOCALES.map((locale) => [
      locale,
      JSON.parse(
        readFileSync(join(resetPageAssetsDir(), 'messages', `${locale}.json`), 'utf8'),
      ) as ResetPageMessages,
    ]),
  );
}

/**
 * The page's language: the link's `?lang=` (the email's locale, so page and email agree; `de-AT` is
 * German), else the browser's `Accept-Language`, else English.
 */
export function resetPageLocale(lang: unknown, acceptLanguage: string | undefined): ShippedLocale {
  // matchLocale answers with one of SHIPPED_LOCALES, spelled as there.
  const matched =
    matchLocale([canonicalLocale(lang)], SHIPPED_LOCALES) ??
    localeFromAcceptLanguage(acceptLanguage, SHIPPED_LOCALES);
  return (matched as ShippedLocale | undefined) ?? FALLBACK_LOCALE;
}

/**
 * JSON for a `<script type="application/json">` block, whose content the browser ends at the first
 * `</script` and never decodes entities in: `<`, `>` and `&` go as JSON escapes, so no text can close
 * the block or open a comment, and `JSON.parse` still gives the texts back unchanged.
 */
function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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

/**
 * The HTML document for a request to `requestPath` in `language`: `{{name}}` is a setting, `{{t.key}}`
 * a text, `{{messagesJson}}` every text for the script. Every value put into it is escaped.
 */
export function renderResetPage(
  template: string,
  settings: ResetPageSettings,
  requestPath: string,
  language: ResetPageLanguage,
): string {
  const values: Record<string, string> = {
    appName: settings.appName,
    resetPath: settings.resetPath,
    signInUrl: settings.signInUrl,
    assetBase: assetBaseFor(requestPath),
    locale: language.locale,
  };
  const { messages } = language;
  return template.replace(
    /\{\{(t\.)?(\w+)\}\}/g,
    (placeholder: string, text: string | undefined, name: string) => {
      if (text) return Object.hasOwn(messages, name) ? escapeHtml(messages[name]) : placeholder;
      if (name === 'messagesJson') return jsonForScriptBlock(messages);
      return Object.hasOwn(values, name) ? escapeHtml(values[name]) : placeholder;
    },
  );
}

/**
 * The reference reset page: the HTML at `resetPath`, its script and stylesheet beneath it, each with
 * the page's own security headers and `Cache-Control: no-store`. The HTML is written in the language
 * of {@link resetPageLocale}, said in `Content-Language`. The files are read once, here, so a
 * package missing them fails at start-up rather than on the first visit.
 */
export function resetPageRoutes(settings: ResetPageSettings): ResetPageRoute[] {
  const read = (name: string) => readFileSync(join(resetPageAssetsDir(), name), 'utf8');
  const template = read('reset-page.html');
  const script = read('reset-page.js');
  const stylesheet = read('reset-page.css');
  const catalogs = readResetPageCatalogs();
  const headers = resetPageHeaders();

  const answer =
    (
      type: string,
      body: (request: Request, response: Response) => string,
    ): ResetPageRoute['handler'] =>
    (request, response, next) =>
      headers(request, response, (error?: unknown) => {
        if (error) return next(error);
        response.setHeader('Cache-Control', 'no-store');
        response.status(200).type(type).send(body(request, response));
      });

  const base = settings.resetPath.replace(/\/+$/, '');
  return [
    {
      path: settings.resetPath,
      handler: answer('text/html; charset=utf-8', (request, response) => {
        const locale = resetPageLocale(request.query.lang, request.get('Accept-Language'));
        response.setHeader('Content-Language', locale);
        // Without ?lang the answer depends on the header: no cache may hand one reader's language
        // to another.
        response.vary('Accept-Language');
        return renderResetPage(template, settings, request.path, {
          locale,
          messages: catalogs.get(locale) as ResetPageMessages,
        });
      }),
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
