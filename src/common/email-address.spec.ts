import fc from 'fast-check';
import { emailKey, normalizeEmail } from './email-address';

describe(normalizeEmail.name, () => {
  it.each([
    ['an ordinary address', 'alice@example.com', 'alice@example.com'],
    ['surrounding spaces and capitals', '  Alice@Example.COM ', 'alice@example.com'],
    ['surrounding tabs and newlines', '\t alice@example.com\r\n', 'alice@example.com'],
    ['a Unicode domain', 'Jörg@Bücher.DE', 'jörg@xn--bcher-kva.de'],
    ['a decomposed (NFD) ö', 'Jo\u0308rg@Bu\u0308cher.de', 'jörg@xn--bcher-kva.de'],
    ['a domain already in punycode', 'jörg@XN--BCHER-KVA.DE', 'jörg@xn--bcher-kva.de'],
    ['fullwidth letters in the domain', 'alice@ｅｘａｍｐｌｅ.com', 'alice@example.com'],
    ['a Greek local part', 'ΣΟΦΊΑ@example.gr', 'σοφία@example.gr'],
    ['a Japanese domain', 'taro@例え.jp', 'taro@xn--r8jz45g.jp'],
    ['plus addressing', 'Alice+Reset@example.com', 'alice+reset@example.com'],
  ])('should accept %s', (_kind, raw, normal) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, email: normal });
  });

  it.each([
    ['a quoted local part', '"john doe"@example.com', 'must not have a quoted local part'],
    [
      'a quoted local part without spaces',
      '"john"@example.com',
      'must not have a quoted local part',
    ],
    ['a space inside', 'john doe@example.com', 'must not contain spaces'],
    ['a space before the @', 'john @example.com', 'must not contain spaces'],
    ['a no-break space inside', 'john\u00a0doe@example.com', 'must not contain spaces'],
    ['a tab inside', 'john\tdoe@example.com', 'must not contain control or invisible characters'],
    ['a NUL', 'john\u0000@example.com', 'must not contain control or invisible characters'],
    ['a DEL', 'john\u007f@example.com', 'must not contain control or invisible characters'],
    ['a C1 control', 'john\u0085x@example.com', 'must not contain control or invisible characters'],
    [
      'a zero-width space',
      'jo\u200bhn@example.com',
      'must not contain control or invisible characters',
    ],
    [
      'a right-to-left override',
      'john\u202e@example.com',
      'must not contain control or invisible characters',
    ],
    [
      'an unpaired surrogate',
      'jo\ud800hn@example.com',
      'must not contain control or invisible characters',
    ],
    ['no @', 'not-an-email', 'must be a valid email address'],
    ['nothing before the @', '@example.com', 'must be a valid email address'],
    ['nothing after the @', 'alice@', 'must be a valid email address'],
    ['two @', 'alice@bob@example.com', 'must be a valid email address'],
    ['no top-level domain', 'alice@localhost', 'must be a valid email address'],
    ['an IP address', 'alice@[127.0.0.1]', 'must be a valid email address'],
    ['a percent-encoded domain', 'alice@ex%41mple.com', 'must be a valid email address'],
    ['an underscore in the domain', 'alice@ex_ample.com', 'must be a valid email address'],
    ['an empty label', 'alice@example..com', 'must be a valid email address'],
    ['broken punycode', 'alice@xn--a.com', 'must have a valid domain name'],
    [
      'a local part over 64 characters',
      `${'a'.repeat(65)}@example.com`,
      'must be a valid email address',
    ],
    ['an empty string', '', 'must be a valid email address'],
    ['only spaces', '   ', 'must be a valid email address'],
    [
      'more than 254 characters',
      `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`,
      'must be at most 254 characters',
    ],
    [
      'more than 254 characters once the domain is in ASCII',
      `${'a'.repeat(60)}@${[1, 2, 3, 4, 5, 6].map((n) => `日本語のドメイン名例${n}`).join('.')}.jp`,
      'must be at most 254 characters',
    ],
  ])('should refuse %s and say why', (_kind, raw, reason) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, reason });
  });

  it('should count 254 characters, not bytes, after normalisation', () => {
    const local = 'ö'.repeat(32);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(29)}`;
    const raw = `${local}@${domain}`;
    expect([...raw]).toHaveLength(254);

    expect(normalizeEmail(raw)).toEqual({ ok: true, email: raw });
    expect(normalizeEmail(`${raw}x`)).toEqual({
      ok: false,
      reason: 'must be at most 254 characters',
    });
  });

  it('should give back its own result unchanged (a normal form is a fixed point)', () => {
    const address = fc
      .tuple(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        fc.constantFrom(
          'example.com',
          'Bücher.DE',
          'ＥＸＡＭＰＬＥ.org',
          'xn--bcher-kva.de',
          '例え.jp',
        ),
      )
      .map(([local, domain]) => `${local}@${domain}`);
    fc.assert(
      fc.property(fc.oneof(address, fc.string({ unit: 'binary' })), (raw) => {
        const first = normalizeEmail(raw);
        if (first.ok) expect(normalizeEmail(first.email)).toEqual(first);
      }),
      { seed: 20_251_129, numRuns: 2_000 },
    );
  });

  it('should never let through whitespace, control characters or more than 254 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
        const result = normalizeEmail(`${raw}@example.com`);
        if (!result.ok) return;
        expect(result.email).not.toMatch(/[\s\p{Cc}\p{Cf}\p{Cs}]/u);
        expect([...result.email].length).toBeLessThanOrEqual(254);
        expect(result.email).toBe(result.email.normalize('NFC').toLowerCase());
      }),
      { seed: 20_251_129, numRuns: 2_000 },
    );
  });
});

describe(emailKey.name, () => {
  it.each([
    ['a host address in mixed case', 'Alice@Example.COM', 'alice@example.com'],
    ['a Unicode domain as a host stored it', ' Jörg@Bücher.DE', 'jörg@xn--bcher-kva.de'],
  ])('should key %s by its normal form', (_kind, stored, key) => {
    expect(emailKey(stored)).toBe(key);
    expect(emailKey(stored)).toEqual((normalizeEmail(stored) as { email: string }).email);
  });

  it.each([
    ['no top-level domain', ' Admin@LocalHost ', 'admin@localhost'],
    ['a quoted local part', '"John Doe"@Example.com', '"john doe"@example.com'],
  ])(
    'should key an address with %s, which does not normalise, trimmed and lower-cased',
    (_kind, stored, key) => {
      expect(normalizeEmail(stored).ok).toBe(false);
      expect(emailKey(stored)).toBe(key);
    },
  );
});
