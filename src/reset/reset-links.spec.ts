import { resolvePasswordResetOptions } from '../password-reset.options';
import { generateResetToken } from '../tokens/reset-token';
import { ResetLinks } from './reset-links';

function linksFor(frontendUrl: string, resetPath?: string): ResetLinks {
  return new ResetLinks(resolvePasswordResetOptions({ frontendUrl, resetPath }, false));
}

describe(ResetLinks.name, () => {
  const frontendUrl = 'https://app.example.com';
  const resetPath = '/reset-password';
  const links = linksFor(frontendUrl, resetPath);

  it('should put the token in the fragment of the reset page URL', () => {
    const token = generateResetToken();

    expect(links.resetLink(token)).toBe(`${frontendUrl}${resetPath}#token=${token}`);
  });

  it('should put nothing in the query string without a locale', () => {
    const token = generateResetToken();

    const url = new URL(links.resetLink(token));

    expect(url.search).toBe('');
    expect([...url.searchParams.keys()]).toEqual([]);
    expect(url.origin + url.pathname).toBe(`${frontendUrl}${resetPath}`);
    expect(url.hash).toBe(`#token=${token}`);
  });

  it('should keep a path prefix of the frontend URL', () => {
    const prefixed = linksFor('https://example.com/account', '/reset');

    expect(prefixed.resetLink('abc')).toBe('https://example.com/account/reset#token=abc');
  });

  it('should not double the slash when the frontend URL ends with one', () => {
    expect(linksFor('https://app.example.com/').resetLink('abc')).toBe(
      'https://app.example.com/reset-password#token=abc',
    );
  });

  it('should give the page URL without any token', () => {
    expect(links.pageUrl()).toBe(`${frontendUrl}${resetPath}`);
    expect(links.pageUrl()).not.toContain('#');
  });

  it("should carry the email's locale in the query, ahead of the token in the fragment", () => {
    const token = generateResetToken();

    const url = new URL(links.resetLink(token, 'de'));

    expect(links.resetLink(token, 'de')).toBe(`${frontendUrl}${resetPath}?lang=de#token=${token}`);
    // The query reaches the server and its logs: the locale is all it holds.
    expect([...url.searchParams]).toEqual([['lang', 'de']]);
    expect(url.hash).toBe(`#token=${token}`);
  });

  it('should give the page URL in a locale, for the notice', () => {
    expect(links.pageUrl('fr')).toBe(`${frontendUrl}${resetPath}?lang=fr`);
  });

  it('should encode a locale tag, whatever a host names its templates', () => {
    expect(links.resetLink('abc', 'pt-BR')).toBe(`${frontendUrl}${resetPath}?lang=pt-BR#token=abc`);
    expect(links.pageUrl('x&y=#z')).toBe(`${frontendUrl}${resetPath}?lang=x%26y%3D%23z`);
  });
});
