import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_LOCALES } from '../i18n/shipped-locales';
import {
  assetBaseFor,
  readResetPageCatalogs,
  renderResetPage,
  resetPageAssetsDir,
  resetPageLocale,
  ResetPageMessages,
  resetPageRoutes,
  ResetPageSettings,
} from './reset-page.routes';

const SETTINGS: ResetPageSettings = {
  resetPath: '/reset-password',
  signInUrl: 'https://app.example.com/login',
  appName: 'Example',
};

describe(assetBaseFor.name, () => {
  it.each([
    ['/reset-password', './reset-password/'],
    ['/api/v1/reset-password', './reset-password/'],
    ['/reset-password/', './'],
    ['/api', './api/'],
    ['/', './'],
  ])('should link the files of a page at %s from %s', (path, base) => {
    expect(assetBaseFor(path)).toBe(base);
  });
});

describe(resetPageLocale.name, () => {
  it.each([
    ['de', undefined, 'de'],
    ['de-AT', undefined, 'de'],
    ['FR', undefined, 'fr'],
    ['es-419', 'de', 'es'],
    ['xx', 'fr-CH, fr;q=0.9', 'fr'],
    [undefined, 'it, es;q=0.5', 'es'],
    ['xx', undefined, 'en'],
    ['not a tag', 'it', 'en'],
    [['de', 'fr'], undefined, 'en'],
    [undefined, undefined, 'en'],
  ])('should choose from ?lang=%j and Accept-Language %j: %s', (lang, accept, locale) => {
    expect(resetPageLocale(lang, accept)).toBe(locale);
  });
});

describe(readResetPageCatalogs.name, () => {
  const catalogs = readResetPageCatalogs();
  const english = catalogs.get('en') as ResetPageMessages;
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map(([p]) => p).sort();

  it('should have a catalog for every shipped locale, and no other', () => {
    const files = readdirSync(join(resetPageAssetsDir(), 'messages')).sort();

    expect([...catalogs.keys()].sort()).toEqual([...SHIPPED_LOCALES].sort());
    expect(files).toEqual(SHIPPED_LOCALES.map((locale) => `${locale}.json`).sort());
  });

  it.each(SHIPPED_LOCALES.filter((locale) => locale !== 'en'))(
    'should give %s exactly the keys of en.json, each with the same {placeholders}',
    (locale) => {
      const messages = catalogs.get(locale) as ResetPageMessages;

      expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(english)) {
        expect({ key, placeholders: placeholders(messages[key]) }).toEqual({
          key,
          placeholders: placeholders(text),
        });
        expect({ key, translated: messages[key].trim().length > 0 }).toEqual({
          key,
          translated: true,
        });
      }
    },
  );

  it('should hold every text the page and its script ask for', () => {
    const html = readFileSync(join(resetPageAssetsDir(), 'reset-page.html'), 'utf8');
    const script = readFileSync(join(resetPageAssetsDir(), 'reset-page.js'), 'utf8');
    const used = [
      ...[...html.matchAll(/\{\{t\.(\w+)\}\}/g)].map(([, key]) => key),
      ...[...script.matchAll(/\bt\('(\w+)'/g)].map(([, key]) => key),
    ];

    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((key) => !(key in english))).toEqual([]);
    // And every text is used: a catalog holds nothing a translator would work on in vain.
    expect(Object.keys(english).filter((key) => !used.includes(key))).toEqual([]);
  });

  it('should keep the English texts people already know', () => {
    expect(english).toMatchObject({
      newPassword: 'New password',
      confirmPassword: 'Confirm new password',
      setPassword: 'Set new password',
      email: 'Email',
      sendLink: 'Send a new link',
    });
  });
});

describe(renderResetPage.name, () => {
  const template =
    '<html lang="{{locale}}"><title>{{appName}}</title><body data-reset-path="{{resetPath}}">' +
    '<script src="{{assetBase}}reset-page.js"></script><a href="{{signInUrl}}">{{unknown}}</a>' +
    '<h1>{{t.heading}}</h1>{{t.missing}}' +
    '<script type="application/json" id="m">{{messagesJson}}</script>';
  const page = { locale: 'de', messages: { heading: 'Überschrift' } };

  it('should fill in every placeholder it knows and leave the others', () => {
    expect(renderResetPage(template, SETTINGS, '/reset-password', page)).toBe(
      '<html lang="de"><title>Example</title><body data-reset-path="/reset-password">' +
        '<script src="./reset-password/reset-page.js"></script>' +
        '<a href="https://app.example.com/login">{{unknown}}</a>' +
        '<h1>Überschrift</h1>{{t.missing}}' +
        '<script type="application/json" id="m">{"heading":"Überschrift"}</script>',
    );
  });

  it('should escape every value, so none can add markup or leave its attribute', () => {
    const html = renderResetPage(
      template,
      {
        appName: '<script>alert(1)</script> & co',
        resetPath: '/a"onload="x',
        signInUrl: "https://x.example/?a='b'&c=<d>",
      },
      '/a"onload="x',
      { locale: 'de', messages: { heading: '<img src=x onerror=alert(1)> & "q"' } },
    );

    expect(html).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>');
    expect(html).toContain('data-reset-path="/a&quot;onload=&quot;x"');
    expect(html).toContain('src="./a&quot;onload=&quot;x/reset-page.js"');
    expect(html).toContain('href="https://x.example/?a=&#39;b&#39;&amp;c=&lt;d&gt;"');
    expect(html).toContain('<h1>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;</h1>');
  });

  it('should keep the data block closed whatever a text holds, and give the script the texts unchanged', () => {
    const messages = { heading: '</script><script>alert(1)</script><!-- & \u2028' };

    const html = renderResetPage(template, SETTINGS, '/reset-password', { locale: 'de', messages });

    const block = /<script type="application\/json" id="m">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(block).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(block)).toEqual(messages);
    expect(html.match(/<script/g)).toHaveLength(2);
  });
});

describe(resetPageRoutes.name, () => {
  it('should find its files beside it, where the build copies them too', () => {
    for (const name of ['reset-page.html', 'reset-page.js', 'reset-page.css']) {
      expect(existsSync(join(resetPageAssetsDir(), name))).toBe(true);
    }
  });

  it.each([
    ['/reset-password', ['/reset-password', '/reset-password/reset-page.js']],
    ['/account/reset/', ['/account/reset/', '/account/reset/reset-page.js']],
    ['/', ['/', '/reset-page.js']],
  ])('should mount a page at %s with its files beneath it', (resetPath, [page, script]) => {
    const paths = resetPageRoutes({ ...SETTINGS, resetPath }).map((route) => route.path);

    expect(paths).toEqual([page, script, script.replace(/\.js$/, '.css')]);
  });
});
