import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  assetBaseFor,
  renderResetPage,
  resetPageAssetsDir,
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

describe(renderResetPage.name, () => {
  const template =
    '<title>{{appName}}</title><body data-reset-path="{{resetPath}}">' +
    '<script src="{{assetBase}}reset-page.js"></script><a href="{{signInUrl}}">{{unknown}}</a>';

  it('should fill in every placeholder it knows and leave the others', () => {
    expect(renderResetPage(template, SETTINGS, '/reset-password')).toBe(
      '<title>Example</title><body data-reset-path="/reset-password">' +
        '<script src="./reset-password/reset-page.js"></script>' +
        '<a href="https://app.example.com/login">{{unknown}}</a>',
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
    );

    expect(html).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>');
    expect(html).toContain('data-reset-path="/a&quot;onload=&quot;x"');
    expect(html).toContain('src="./a&quot;onload=&quot;x/reset-page.js"');
    expect(html).toContain('href="https://x.example/?a=&#39;b&#39;&amp;c=&lt;d&gt;"');
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
