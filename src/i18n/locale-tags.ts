/**
 * Language tags (BCP 47) and time zones (IANA) as people and browsers send them: checked, put in
 * canonical form, and matched against the locales the module has.
 */

/** The longest tag accepted: RFC 5646 asks implementations to hold at least this many characters. */
export const MAX_LOCALE_LENGTH = 35;

/** The longest time zone name accepted (the longest IANA name is about half of it). */
export const MAX_TIME_ZONE_LENGTH = 64;

/** `de-at` → `de-AT`; undefined for anything that is not a well-formed BCP 47 tag. */
export function canonicalLocale(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_LOCALE_LENGTH) {
    return undefined;
  }
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    // RangeError: not a well-formed tag.
    return undefined;
  }
}

/**
 * `europe/berlin` → `Europe/Berlin`; undefined unless `Intl` knows it as an IANA zone. Offsets such as
 * `+01:00` are refused: they know no daylight saving, so a date shown in one would be an hour off for
 * half the year.
 */
export function canonicalTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > MAX_TIME_ZONE_LENGTH) {
    return undefined;
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The languages of an `Accept-Language` header, most wanted first (RFC 9110: by `q`, then in the
 * order given); `*`, `q=0` and malformed entries are left out.
 */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  const ranked: { tag: string; q: number; index: number }[] = [];
  // A header longer than any browser sends is someone else's: read its start only.
  header
    .slice(0, 1000)
    .split(',')
    .forEach((entry, index) => {
      const [range, ...params] = entry.trim().split(';');
      let q = 1;
      for (const param of params) {
        const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
        if (match) q = Number(match[1]);
      }
      const tag = canonicalLocale(range.trim());
      if (tag && q > 0) ranked.push({ tag, q, index });
    });
  return ranked.sort((a, b) => b.q - a.q || a.index - b.index).map(({ tag }) => tag);
}

/**
 * The first of `wanted` (most wanted first) that `supported` has, each tried as it is and then with
 * its last subtags dropped one by one (RFC 4647 lookup: `de-CH-1996` → `de-CH` → `de`); undefined
 * when none matches. Comparison ignores case; the answer is spelled as in `supported`.
 */
export function matchLocale(
  wanted: Iterable<string | null | undefined>,
  supported: readonly string[],
): string | undefined {
  const byLowerCase = new Map(supported.map((locale) => [locale.toLowerCase(), locale]));
  for (const tag of wanted) {
    if (!tag) continue;
    const subtags = tag.toLowerCase().split('-');
    while (subtags.length > 0) {
      const found = byLowerCase.get(subtags.join('-'));
      if (found) return found;
      subtags.pop();
      // A single-letter subtag (an extension's or private use's singleton) never ends a tag.
      if (subtags.length > 0 && subtags[subtags.length - 1].length === 1) subtags.pop();
    }
  }
  return undefined;
}

/** The supported locale that best matches an `Accept-Language` header, if any. */
export function localeFromAcceptLanguage(
  header: string | undefined,
  supported: readonly string[],
): string | undefined {
  return matchLocale(acceptedLanguages(header), supported);
}
