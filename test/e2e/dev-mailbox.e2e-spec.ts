import { copyFileSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { createServer, get, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTML_PART_POLICY } from '../../src/app/dev-mailbox/dev-mailbox.controller';
import { OTHER_STRONG_PASSWORD, registerUser, RegisteredUser } from '../support/factories';
import { rawGet as rawRequest } from '../support/network';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestApp, FRONTEND_URL, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** A product name that needs escaping in a page and encoding in a header. */
const APP_NAME = `Zoë's <script>alert(1)</script> & Co`;
const ESCAPED_APP_NAME = 'Zoë&#39;s &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co';
const RESET_SUBJECT = `${ESCAPED_APP_NAME}: reset your password`;
const CHANGED_SUBJECT = `${ESCAPED_APP_NAME}: your password was changed`;
const RESET_LINK = new RegExp(
  `<a href="(${FRONTEND_URL}/reset-password\\?lang=en#token=[A-Za-z0-9_-]{43})" rel="noreferrer">\\1</a>`,
);

/** The ids of the `.eml` files in `dir`, once there are `count` of them. */
async function waitForMessages(dir: string, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const ids = readdirSync(dir)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => name.slice(0, -'.eml'.length));
    if (ids.length >= count) return ids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Fewer than ${count} messages arrived in ${dir}`);
}

interface Row {
  href: string;
  subject: string;
  to: string;
  time: string;
  /** The language shown, if any. */
  language?: string;
}

/** Markup without the whitespace between tags, and with runs of whitespace as one space. */
function swapCase(text: string): string {
  return text.replace(/[a-z]/gi, (c) =>
    c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase(),
  );
}

function squash(markup: string): string {
  return markup.replace(/>\s+</g, '><').replace(/\s+/g, ' ');
}

/** The list's rows, in page order. */
function rows(page: string): Row[] {
  const row =
    /<li><a href="([^"]+)">([^<]*)<\/a><p>To <span class="to">([^<]*)<\/span>, <time datetime="([^"]+)">[^<]*<\/time>(?:, in <span class="language">([^<]*)<\/span>)?/g;
  return [...squash(page).matchAll(row)].map(([, href, subject, to, time, language]) => ({
    href,
    subject,
    to,
    time,
    language,
  }));
}

/** A GET with the path exactly as given: no client-side normalisation of `..` or `%2e`. */
async function rawGet(app: TestApp, path: string): Promise<number> {
  const server: Server = app.app.getHttpServer();
  if (!server.listening) await app.app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** A page's resources (scripts, stylesheets, icons, frames, images). */
function resourceUrls(page: string): string[] {
  return [...page.matchAll(/<(?:script|link|iframe|img)\b[^>]*\b(?:src|href)="([^"]*)"/g)].map(
    ([, url]) => url,
  );
}

describe('Dev mailbox pages', () => {
  let database: TestDatabase;
  let app: TestApp;
  const mailbox = mkdtempSync(join(tmpdir(), 'npr-dev-mailbox-'));
  let user: RegisteredUser;
  /** The reset email's id, then the password-changed notice's. */
  let resetId: string;
  let changedId: string;
  let resetLink: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await createTestApp({ database, env: { MAIL_DEV_DIR: mailbox, APP_NAME } });
    user = await registerUser(app);
    await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    [resetId] = await waitForMessages(mailbox, 1);
    const page = await app.http().get(`/dev/mailbox/${resetId}`).expect(200);
    resetLink = RESET_LINK.exec(page.text)?.[1] ?? '';
    // The link on the page is the working one: it resets the password (and brings the notice).
    const token = new URL(resetLink).hash.slice('#token='.length);
    await app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    const ids = await waitForMessages(mailbox, 2);
    [changedId] = ids.filter((id) => id !== resetId);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('should list the messages newest first with recipient, subject and time, each linked', async () => {
    const page = await app.http().get('/dev/mailbox').expect(200);

    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(squash(page.text)).toContain('<h1>Dev mailbox</h1>');
    expect(page.text).toContain('2 messages, newest first');
    const listed = rows(page.text);
    expect(
      listed.map(({ href, subject, to, language }) => ({ href, subject, to, language })),
    ).toEqual([
      {
        href: `/dev/mailbox/${changedId}`,
        subject: CHANGED_SUBJECT,
        to: user.email,
        language: 'English (en)',
      },
      {
        href: `/dev/mailbox/${resetId}`,
        subject: RESET_SUBJECT,
        to: user.email,
        language: 'English (en)',
      },
    ]);
    // The time is when the transport wrote the file, newest first.
    const [newer, older] = listed.map((row) => Date.parse(row.time));
    expect(newer).toBeGreaterThan(older);
    expect(Date.now() - older).toBeLessThan(60_000);
  });

  it('should show a message: the HTML part sandboxed, the text part with a working link, the headers', async () => {
    const page = await app.http().get(`/dev/mailbox/${resetId}`).expect(200);
    const markup = squash(page.text);

    expect(page.headers['cache-control']).toBe('no-store');
    expect(markup).toContain(`<h1>${RESET_SUBJECT}</h1>`);
    expect(markup).toContain(`<dt>To</dt><dd>${user.email}</dd>`);
    // The language it is written in, from its Content-Language header.
    expect(markup).toContain('<dt>Language</dt><dd>English (en)</dd>');
    expect(markup).toContain('<div><dt>Content-Language</dt><dd>en</dd></div>');
    expect(markup).toContain('<a href="/dev/mailbox">All messages</a>');
    // The HTML part in a frame that runs no script and gets an origin of its own.
    const frame = /<iframe [^>]*>/.exec(markup)?.[0] ?? '';
    expect(frame).toContain(`src="/dev/mailbox/${resetId}/html"`);
    expect(frame).toMatch(/ sandbox="[^"]*"/);
    expect(frame).not.toMatch(/allow-scripts|allow-same-origin/);
    expect(frame).toContain('title="HTML part of the message"');
    // The text part, escaped, with its link clickable: the fragment kept, no Referer, same tab.
    const text = /<pre class="text-part">([\s\S]*?)<\/pre>/.exec(page.text)?.[1] ?? '';
    expect(text).toContain(ESCAPED_APP_NAME);
    expect(text).toMatch(RESET_LINK);
    expect(resetLink).toMatch(/#token=[A-Za-z0-9_-]{43}$/);
    expect(text).not.toContain('target=');
    // The headers as they are in the file.
    expect(markup).toContain('<h2 id="headers">Headers</h2>');
    for (const name of ['Subject', 'From', 'To', 'Message-ID', 'Date', 'Content-Type'])
      expect(markup).toMatch(new RegExp(`<div><dt>${name}</dt><dd>[^<]+</dd></div>`));
    expect(markup).toContain(`<div><dt>To</dt><dd>${user.email}</dd></div>`);
  });

  it('should serve the HTML part on its own route under a policy that lets no script run', async () => {
    const part = await app.http().get(`/dev/mailbox/${resetId}/html`).expect(200);

    expect(part.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(part.headers['content-security-policy']).toBe(HTML_PART_POLICY);
    const policy = part.headers['content-security-policy'];
    expect(policy).toMatch(/^sandbox [^;]*;/);
    expect(policy).not.toMatch(/allow-scripts|allow-same-origin|script-src/);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("style-src 'unsafe-inline'");
    expect(policy).toContain("frame-ancestors 'self'");
    expect(part.headers['cache-control']).toBe('no-store');
    expect(part.headers['x-content-type-options']).toBe('nosniff');
    expect(part.headers['referrer-policy']).toBe('no-referrer');
    // The email's own HTML, its links sent out of the frame.
    expect(part.text).toMatch(/^<!DOCTYPE html>\s*<html lang="en">\s*<head><base target="_blank">/);
    expect(part.text).toContain('>Reset your password</a>');
  });

  it('should keep to the global policy: no inline script or style, nothing from elsewhere', async () => {
    const pages = [
      await app.http().get('/dev/mailbox').expect(200),
      await app.http().get(`/dev/mailbox/${resetId}`).expect(200),
      await app.http().get(`/dev/mailbox/${changedId}`).expect(200),
      await app.http().get('/dev/mailbox/2000-01-01T00-00-00-000Z-00000000').expect(404),
    ];
    for (const page of pages) {
      // helmet's policy, untouched.
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.text).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
      expect(page.text).toMatch(/^<!DOCTYPE html>\s*<html lang="en">/);
      expect(page.text).toContain('<meta name="viewport"');
      expect(page.text).toMatch(/<title>[^<]+<\/title>/);
      expect(squash(page.text)).toMatch(/<h1>[^<]+<\/h1>/);
      for (const url of resourceUrls(page.text)) expect(url).toMatch(/^(\/dev\/mailbox\/|data:)/);
    }
    const stylesheet = await app.http().get('/dev/mailbox/assets/mailbox.css').expect(200);
    expect(stylesheet.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(stylesheet.text).toContain(':focus-visible');
  });

  it('should answer 404 for anything that is not a message in the folder', async () => {
    // A message outside the folder, and a link to it inside named like a message.
    const outside = mkdtempSync(join(tmpdir(), 'npr-outside-'));
    copyFileSync(join(mailbox, `${resetId}.eml`), join(outside, 'secret.eml'));
    const linked = '2000-01-01T00-00-00-000Z-5ca1ab1e';
    symlinkSync(join(outside, 'secret.eml'), join(mailbox, `${linked}.eml`));
    const attempts = [
      '/dev/mailbox/2000-01-01T00-00-00-000Z-00000000',
      `/dev/mailbox/${linked}`,
      `/dev/mailbox/${resetId}.eml`,
      `/dev/mailbox/${resetId}%00`,
      // Every letter's case swapped: the id always holds a "T" and a "Z", so this differs from it
      // even when the random hex suffix happens to be all digits (toUpperCase alone then changed
      // nothing and the real message answered 200).
      `/dev/mailbox/${swapCase(resetId)}`,
      '/dev/mailbox/..%2F..%2Fpackage.json',
      '/dev/mailbox/..%252F..%252Fpackage.json',
      '/dev/mailbox/%2E%2E%2Fapp',
      '/dev/mailbox/%2Fetc%2Fpasswd',
      '/dev/mailbox/..',
      '/dev/mailbox/../../package.json',
      `/dev/mailbox/${resetId}%2F..%2F..%2Fpackage.json`,
      `/dev/mailbox/..%2F${resetId}`,
      `/dev/mailbox/${join(outside, 'secret')}`,
    ];
    // The raw client reaches the pages: a message's own id answers.
    expect(await rawGet(app, `/dev/mailbox/${resetId}`)).toBe(200);
    expect(await rawGet(app, `/dev/mailbox/${resetId}/html`)).toBe(200);
    for (const path of attempts) {
      expect([path, await rawGet(app, path)]).toEqual([path, 404]);
      expect([path, await rawGet(app, `${path}/html`)]).toEqual([path, 404]);
    }
    // The link is not listed either.
    const page = await app.http().get('/dev/mailbox').expect(200);
    expect(page.text).not.toContain(linked);
  });

  it('should keep the pages out of the OpenAPI document', async () => {
    const document = await app.http().get('/docs-json').expect(200);
    expect(
      Object.keys(document.body.paths as object).filter((path) => path.startsWith('/dev')),
    ).toEqual([]);
  });
});

describe('Dev mailbox pages when mail goes over SMTP', () => {
  let database: TestDatabase;
  let smtp: SmtpTestServer;
  const apps: TestApp[] = [];
  /** A mailbox folder holding one message, so that nothing but the configuration hides it. */
  const mailbox = mkdtempSync(join(tmpdir(), 'npr-dev-mailbox-'));
  let id: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    smtp = await new SmtpTestServer().start();
    const devApp = await createTestApp({ database, env: { MAIL_DEV_DIR: mailbox } });
    try {
      const someone = await registerUser(devApp);
      await devApp.http().post('/auth/forgot-password').send({ email: someone.email }).expect(202);
      [id] = await waitForMessages(mailbox, 1);
      await devApp.http().get(`/dev/mailbox/${id}`).expect(200);
    } finally {
      // Closed before the SMTP apps start, so that none of them sends this app's mail or the reverse.
      await devApp.close();
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await smtp?.stop();
    await database?.drop();
  });

  /** Every route of the pages answers as an unknown route does. */
  async function expectNoMailbox(app: TestApp): Promise<void> {
    for (const path of [
      '/dev/mailbox',
      `/dev/mailbox/${id}`,
      `/dev/mailbox/${id}/html`,
      '/dev/mailbox/assets/mailbox.css',
    ]) {
      const answer = await app.http().get(path).expect(404);
      expect(answer.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `Cannot GET ${path}`,
      });
    }
  }

  it('should not exist in production, whatever MAIL_DEV_DIR holds', async () => {
    const app = await createTestApp({
      database,
      smtp,
      env: { NODE_ENV: 'production', MAIL_DEV_DIR: mailbox },
    });
    apps.push(app);

    await expectNoMailbox(app);
  });

  it('should not exist outside production when SMTP_HOST is set', async () => {
    const app = await createTestApp({ database, smtp, env: { MAIL_DEV_DIR: mailbox } });
    apps.push(app);

    await expectNoMailbox(app);
  });
});

describe('Dev mailbox pages to other machines', () => {
  let database: TestDatabase;
  let app: TestApp;
  const mailbox = mkdtempSync(join(tmpdir(), 'npr-dev-mailbox-'));
  /**
   * The same app on a Unix domain socket too. Its clients have no IP address at all, so the guard
   * sees a peer that is not loopback, as it would a client on another machine, while no test
   * traffic leaves this machine's loopback (tests may not reach its other interfaces).
   */
  const socketPath = join(mkdtempSync(join(tmpdir(), 'npr-dev-mailbox-socket-')), 'http.sock');
  let socketServer: Server;
  let id: string;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    // Every forwarded address believed: the pages must still go by the socket's.
    app = await createTestApp({ database, env: { MAIL_DEV_DIR: mailbox, TRUST_PROXY: 'true' } });
    const someone = await registerUser(app);
    await app.http().post('/auth/forgot-password').send({ email: someone.email }).expect(202);
    [id] = await waitForMessages(mailbox, 1);
    await app.app.listen(0, '127.0.0.1');
    ({ port } = app.app.getHttpServer().address() as AddressInfo);
    socketServer = createServer(app.app.getHttpAdapter().getInstance());
    await new Promise<void>((resolve, reject) =>
      socketServer.once('error', reject).listen(socketPath, resolve),
    );
  });

  afterAll(async () => {
    await new Promise((resolve) => (socketServer ? socketServer.close(resolve) : resolve(null)));
    await app?.close();
    await database?.drop();
  });

  it.each([
    ['no forwarding header', {}],
    ['X-Forwarded-For: 127.0.0.1', { 'X-Forwarded-For': '127.0.0.1' }],
  ])(
    'should answer 404 to a client whose socket address is not loopback, with %s',
    async (_, headers: Record<string, string>) => {
      for (const path of [
        '/dev/mailbox',
        `/dev/mailbox/${id}`,
        `/dev/mailbox/${id}/html`,
        '/dev/mailbox/assets/mailbox.css',
      ]) {
        const answer = await rawRequest({ socketPath }, path, headers);

        expect(answer.status).toBe(404);
        expect(JSON.parse(answer.body)).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: `Cannot GET ${path}`,
        });
        expect(answer.body).not.toContain('reset-password#token=');
      }
      // The same app still shows them to this machine.
      expect((await rawRequest({ host: '127.0.0.1', port }, `/dev/mailbox/${id}`)).status).toBe(
        200,
      );
      // The API itself answers other clients as before.
      expect((await rawRequest({ socketPath }, '/health')).status).toBe(200);
    },
  );
});
