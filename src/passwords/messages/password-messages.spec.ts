import { translations as zxcvbnEnglish } from '@zxcvbn-ts/language-en';
import { SHIPPED_LOCALES } from '../../i18n/shipped-locales';
import { fillPlaceholders, PASSWORD_MESSAGES, passwordMessages } from './password-messages';

/** zxcvbn-ts's own list of the feedback it can give, which it answers with when given no texts. */
const zxcvbnKeys =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@zxcvbn-ts/core/dist/data/translationKeys.cjs') as {
    warnings: Record<string, string>;
    suggestions: Record<string, string>;
  };

/** `{ a: { b: 'x' } }` → `{ 'a.b': 'x' }`. */
function flatten(value: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, inner]: [string, unknown]) =>
      typeof inner === 'string'
        ? [[`${prefix}${key}`, inner]]
        : Object.entries(flatten(inner as object, `${prefix}${key}.`)),
    ),
  );
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
}

describe('password messages', () => {
  const english = flatten(PASSWORD_MESSAGES.en);

  it('should have a catalog for every shipped locale', () => {
    expect(Object.keys(PASSWORD_MESSAGES).sort()).toEqual([...SHIPPED_LOCALES].sort());
  });

  it.each(SHIPPED_LOCALES.filter((locale) => locale !== 'en'))(
    'should give %s exactly the keys of English, with the same placeholders',
    (locale) => {
      const catalog = flatten(PASSWORD_MESSAGES[locale]);

      expect(Object.keys(catalog).sort()).toEqual(Object.keys(english).sort());
      const differing = Object.keys(english).filter(
        (key) => placeholders(catalog[key] ?? '').join() !== placeholders(english[key]).join(),
      );
      expect(differing).toEqual([]);
      const untranslated = Object.keys(english).filter(
        (key) => !catalog[key]?.trim() || catalog[key] === english[key],
      );
      expect(untranslated).toEqual([]);
    },
  );

  it('should translate every warning and suggestion zxcvbn-ts can give, and nothing else', () => {
    expect(Object.keys(PASSWORD_MESSAGES.en.warnings).sort()).toEqual(
      Object.values(zxcvbnKeys.warnings).sort(),
    );
    expect(Object.keys(PASSWORD_MESSAGES.en.suggestions).sort()).toEqual(
      Object.values(zxcvbnKeys.suggestions).sort(),
    );
  });

  // The API's English answers were zxcvbn-ts's own texts: they stay so, byte for byte.
  it("should keep zxcvbn-ts's English texts exactly", () => {
    expect(PASSWORD_MESSAGES.en.warnings).toEqual(zxcvbnEnglish.warnings);
    expect(PASSWORD_MESSAGES.en.suggestions).toEqual(zxcvbnEnglish.suggestions);
  });

  it.each([
    ['de', 'de'],
    ['de-AT', 'de'],
    ['FR-ca', 'fr'],
    ['es-419', 'es'],
    ['en-GB', 'en'],
    ['it', 'en'],
    ['not a tag', 'en'],
    [undefined, 'en'],
  ])('should answer %s in the catalog of %s', (locale, expected) => {
    expect(passwordMessages(locale)).toBe(PASSWORD_MESSAGES[expected as 'en']);
  });

  it('should fill placeholders and leave unknown ones as they are', () => {
    expect(fillPlaceholders('{min} to {max}, {other}', { min: 8, max: 128 })).toBe(
      '8 to 128, {other}',
    );
  });
});
