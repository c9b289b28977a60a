/** A piece of markup that is already safe to put into a page as it is. */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** What may be put into {@link html}: strings and numbers are escaped, {@link Html} is kept. */
export type HtmlValue = Html | string | number | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Builds markup from a template in which every interpolated value is escaped unless it is itself
 * `Html`: the pages show what is in the emails (subjects, addresses, headers), so nothing reaches
 * the markup unescaped by accident.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let markup = strings[0];
  values.forEach((value, index) => (markup += render(value) + strings[index + 1]));
  return new Html(markup);
}

// Stops at whitespace and at characters that cannot appear unencoded in a URL; the fragment
// (`#token=…`) is part of the match. Trailing punctuation is trimmed afterwards.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/**
 * Plain text as markup with its http(s) URLs as links. The text is split into URLs and the rest
 * before anything is escaped, and each piece is escaped on its own (the href too), so an entity
 * such as `&gt;` can never end up inside a URL. Links open in the same tab without a Referer.
 */
export function linkify(text: string): Html {
  const parts: HtmlValue[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (!isHttpUrl(url)) continue;
    parts.push(text.slice(last, match.index), html`<a href="${url}" rel="noreferrer">${url}</a>`);
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return html`${parts}`;
}

function isHttpUrl(candidate: string): boolean {
  try {
    const { protocol } = new URL(candidate);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
