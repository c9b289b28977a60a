import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { newEmail, OTHER_STRONG_PASSWORD, registerUser } from '../support/factories';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, FRONTEND_URL, TestApp, TestAppOptions } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** The directives of a Content-Security-Policy header, by name. */
function cspOf(response: Response): Map<string, string[]> {
  const header = String(response.headers['content-security-policy'] ?? '');
  return new Map(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

/** What the page and both of its files must carry, whatever the host sets for other routes. */
function expectPageHeaders(response: Response): void {
  const csp = cspOf(response);
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('form-action')).toEqual(["'self'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  // Nothing loosens default-src for scripts or styles, and nothing inline or evaluated runs.
  expect([...csp.keys()].filter((name) => /^(script|style)-src/.test(name))).toEqual([]);
  expect(response.headers['content-security-policy']).not.toMatch(/unsafe-|data:|\*/);
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-frame-options']).toBe('DENY');
}

describe('The reference reset page', () => {
  let database: TestDatabase;
  let smtp: SmtpTestServer;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    smtp = await new SmtpTestServer().start();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await smtp?.stop();
    await database?.drop();
  });

  async function startApp(options: Omit<TestAppOptions, 'database' | 'smtp'> = {}) {
    const app = await createTestApp({ database, smtp, ...options });
    apps.push(app);
    return app;
  }

  describe('outside production, by default', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({ env: { SIGN_IN_URL: 'https://app.test.example/sign-in?from=reset' } });
    });

    it('should serve the page with its own strict headers', async () => {
      const page = await app.http().get('/reset-password').expect(200);

      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expectPageHeaders(page);
      expect(page.text).toContain('<title>Reset your password · Test Product</title>');
      expect(page.text).toContain('data-reset-path="/reset-password"');
    });

    it('should link its script and stylesheet relative to itself, and nothing else outside', async () => {
      const page = await app.http().get('/reset-password').expect(200);

      expect(page.text).toContain('<script src="./reset-password/reset-page.js" defer></script>');
      expect(page.text).toContain('href="./reset-password/reset-page.css"');
      // The only absolute address is the sign-in link, escaped.
      const absolute = [...page.text.matchAll(/(?:src|href|action)="([^"]*)"/g)]
        .map(([, url]) => url)
        .filter((url) => !url.startsWith('./'));
      expect(absolute).toEqual(['https://app.test.example/sign-in?from=reset']);
    });

    it('should hold no inline script or style, its texts for the script in a data block only', async () => {
      const page = await app.http().get('/reset-password').expect(200);

      const inline = [...page.text.matchAll(/<script(?![^>]*\ssrc=)[^>]*>/g)].map(([tag]) => tag);
      // A data block never runs, so the policy's ban on inline scripts still holds.
      expect(inline).toEqual(['<script type="application/json" id="reset-page-messages">']);
      expect(page.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    });

    it('should label the fields and buttons the issue names', async () => {
      const page = await app.http().get('/reset-password').expect(200);

      expect(page.text).toContain('<label for="new-password">New password</label>');
      expect(page.text).toContain('<label for="confirm-password">Confirm new password</label>');
      expect(page.text).toContain('<button type="submit">Set new password</button>');
      expect(page.text).toContain('<label for="email">Email</label>');
      expect(page.text).toContain('<button type="submit">Send a new link</button>');
      expect(page.text.match(/autocomplete="new-password"/g)).toHaveLength(2);
    });

    it('should serve its script and stylesheet with the same headers', async () => {
      const script = await app.http().get('/reset-password/reset-page.js').expect(200);
      const stylesheet = await app.http().get('/reset-password/reset-page.css').expect(200);

      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(script.text).toContain('history.replaceState');
      expect(stylesheet.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(stylesheet.text).toContain(':focus-visible');
      expectPageHeaders(script);
      expectPageHeaders(stylesheet);
    });

    it('should link its files from the page with a trailing slash too', async () => {
      const page = await app.http().get('/reset-password/').expect(200);

      expect(page.text).toContain('<script src="./reset-page.js" defer></script>');
    });

    it('should serve nothing else under the page, and answer GET only', async () => {
      await app.http().get('/reset-password/reset-page.html').expect(404);
      await app.http().get('/reset-password/other.js').expect(404);
      await app.http().post('/reset-password').send({}).expect(404);
    });

    it('should leave the host its own policy elsewhere, and Swagger UI working', async () => {
      const health = await app.http().get('/health');
      const docs = await app.http().get('/docs').redirects(1).expect(200);
      const document = await app.http().get('/docs-json').expect(200);

      for (const answer of [health, docs]) {
        expect(cspOf(answer).get('frame-ancestors')).toEqual(["'self'"]);
        expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
      }
      expect(docs.text).toContain('swagger-ui');
      expect(Object.keys(document.body.paths as object)).not.toContain('/reset-password');
    });
  });

  describe('in the language of the link or the browser', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp();
    });

    /** The page's texts for its script, from the data block. */
    function scriptMessages(page: Response): Record<string, string> {
      const block =
        /<script type="application\/json" id="reset-page-messages">([^<]*)<\/script>/.exec(
          page.text,
        );
      return JSON.parse(block?.[1] ?? 'null') as Record<string, string>;
    }

    it('should speak German for ?lang=de', async () => {
      const page = await app.http().get('/reset-password?lang=de').expect(200);

      expect(page.text).toMatch(/^<!doctype html>\s*<html lang="de">/);
      expect(page.text).toContain('<label for="new-password">Neues Passwort</label>');
      expect(page.text).toContain(
        '<label for="confirm-password">Neues Passwort bestätigen</label>',
      );
      expect(page.text).toContain('<button type="submit">Neues Passwort festlegen</button>');
      expect(page.text).toContain('<label for="email">E-Mail-Adresse</label>');
      expect(page.text).toContain('<button type="submit">Neuen Link senden</button>');
      expect(page.text).toContain('<title>Passwort zurücksetzen · Test Product</title>');
      expect(page.text).not.toContain('New password');
      expect(scriptMessages(page).passwordsDiffer).toBe(
        'Die beiden Passwörter stimmen nicht überein.',
      );
      expect(page.headers['content-language']).toBe('de');
      expectPageHeaders(page);
    });

    it('should match a regional tag to its language: de-AT is German', async () => {
      const page = await app.http().get('/reset-password?lang=de-AT').expect(200);

      expect(page.text).toContain('<html lang="de">');
      expect(page.headers['content-language']).toBe('de');
    });

    it('should answer in English for a language it does not speak', async () => {
      const page = await app.http().get('/reset-password?lang=xx').expect(200);

      expect(page.text).toContain('<html lang="en">');
      expect(page.text).toContain('<label for="new-password">New password</label>');
      expect(scriptMessages(page).passwordsDiffer).toBe('The two passwords do not match.');
      expect(page.headers['content-language']).toBe('en');
    });

    it("should follow the browser's Accept-Language without ?lang, and say so in Vary", async () => {
      const page = await app
        .http()
        .get('/reset-password')
        .set('Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.8')
        .expect(200);

      expect(page.text).toContain('<html lang="fr">');
      expect(page.text).toContain('<label for="new-password">Nouveau mot de passe</label>');
      expect(page.headers['content-language']).toBe('fr');
      expect(String(page.headers.vary)).toMatch(/\bAccept-Language\b/i);
    });

    it("should put the link's ?lang before the browser's language", async () => {
      const page = await app
        .http()
        .get('/reset-password?lang=es')
        .set('Accept-Language', 'fr')
        .expect(200);

      expect(page.text).toContain('<html lang="es">');
      expect(page.text).toContain('<label for="new-password">Nueva contraseña</label>');
    });
  });

  describe("the emails' links", () => {
    it("should carry the locale the email is written in, the notice's link too", async () => {
      // A host's de/ folder (here a copy of the English one: what counts is the link, not the text).
      const templatesDir = mkdtempSync(join(tmpdir(), 'npr-templates-'));
      cpSync(join(__dirname, '..', '..', 'templates', 'en'), join(templatesDir, 'de'), {
        recursive: true,
      });
      const app = await startApp({
        env: { MAIL_TEMPLATES_DIR: templatesDir, MAIL_DEFAULT_LOCALE: 'de' },
      });
      const user = await registerUser(app, newEmail('lang-link'));

      await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      const [reset] = await smtp.waitForMail(user.email);
      const token = extractResetToken(reset);
      expect(reset.parsed.text).toContain(`${FRONTEND_URL}/reset-password?lang=de#token=${token}`);
      await app
        .http()
        .post('/auth/reset-password')
        .send({ token, newPassword: OTHER_STRONG_PASSWORD })
        .expect(200);
      const [, notice] = await smtp.waitForMail(user.email, 2);

      const noticeLinks = notice.parsed.text?.match(/https:\/\/[^\s,]+/g);
      expect(noticeLinks).toEqual([`${FRONTEND_URL}/reset-password?lang=de`]);
    });

    it('should carry English by default', async () => {
      const app = await startApp();
      const user = await registerUser(app, newEmail('lang-default'));

      await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      const [reset] = await smtp.waitForMail(user.email);

      expect(reset.parsed.text).toContain(`${FRONTEND_URL}/reset-password?lang=en#token=`);
    });
  });

  it('should not exist when RESET_PAGE_ENABLED=false', async () => {
    const app = await startApp({ env: { RESET_PAGE_ENABLED: 'false' } });

    await app.http().get('/reset-password').expect(404);
    await app.http().get('/reset-password/reset-page.js').expect(404);
  });

  it('should not exist in production unless RESET_PAGE_ENABLED=true', async () => {
    const production = await startApp({ env: { NODE_ENV: 'production' } });
    const enabled = await startApp({ env: { NODE_ENV: 'production', RESET_PAGE_ENABLED: 'true' } });

    await production.http().get('/reset-password').expect(404);
    await production.http().get('/reset-password/reset-page.css').expect(404);
    expectPageHeaders(await enabled.http().get('/reset-password').expect(200));
    expect(FRONTEND_URL).toMatch(/^https:/);
  });

  it('should sit under the global prefix, at RESET_PASSWORD_PATH', async () => {
    const app = await startApp({
      globalPrefix: 'api',
      env: { RESET_PASSWORD_PATH: '/account/reset' },
    });

    const page = await app.http().get('/api/account/reset').expect(200);
    expectPageHeaders(page);
    expect(page.text).toContain('data-reset-path="/account/reset"');
    expect(page.text).toContain('<script src="./reset/reset-page.js" defer></script>');
    expectPageHeaders(await app.http().get('/api/account/reset/reset-page.js').expect(200));
    await app.http().get('/api/account/reset/reset-page.css').expect(200);
    await app.http().get('/account/reset').expect(404);
    await app.http().get('/api/reset-password').expect(404);
  });
});
