import type { Locator, Page, Request } from 'playwright-core';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { BrowserApp, resetLinkFromMailbox, startBrowserApp } from './support/browser-app';
import {
  describeInBrowser,
  expectAccessible,
  LaunchedBrowser,
  launchBrowser,
  Screenshots,
} from './support/browser';

// Each describe starts a cold app: on a loaded machine, the first password check alone has waited
// over half a minute for the strength threads to start (TypeScript compiled in each, at low priority).
jest.setTimeout(180_000);

const WEAK_PASSWORD = 'password123';
const THIRD_PASSWORD = 'quiet harbor mosaic drifts north';
/** The end of the reset email's subject, in English and as the shipped German templates word it. */
const RESET_SUBJECT = /reset your password|Passwort zurücksetzen/;

/** What the browser sent, as Playwright saw it. */
interface SentRequest {
  method: string;
  url: string;
  referer?: string;
  /** The Accept-Language header it carried. */
  language?: string;
}

/** Records every request of every page of the context, and every CSP violation a page reports. */
function watch(browser: LaunchedBrowser): { sent: SentRequest[]; cspViolations: string[] } {
  const sent: SentRequest[] = [];
  const cspViolations: string[] = [];
  browser.context.on('request', (request: Request) => {
    const headers = request.headers();
    sent.push({
      method: request.method(),
      url: request.url(),
      referer: headers.referer,
      language: headers['accept-language'],
    });
  });
  browser.context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      cspViolations.push(`${message.location().url}: ${message.text()}`);
    }
  });
  return { sent, cspViolations };
}

/** Asserts that `token` appears in no URL and no Referer, on either side of the wire. */
function expectTokenNeverSent(
  token: string,
  sent: SentRequest[],
  received: BrowserApp['received'],
): void {
  const carrying = [...sent, ...received].filter(
    ({ url, referer }) => url.includes(token) || (referer ?? '').includes(token),
  );
  expect(carrying).toEqual([]);
  // And the requests were really recorded: the page verified the token and set the password.
  expect(received.some(({ url }) => url.endsWith('/auth/reset-password/verify'))).toBe(true);
}

/** The mailbox's entries (list items or table rows) of reset emails to `email`, newest first. */
function resetEmailRows(page: Page, email: string) {
  return page.locator('li, tr').filter({ hasText: email }).filter({ hasText: RESET_SUBJECT });
}

/** Opens the dev mailbox and reloads it until `count` reset emails to `email` are listed. */
async function openMailbox(page: Page, app: BrowserApp, email: string, count = 1): Promise<void> {
  await page.goto(`${app.origin}/dev/mailbox`);
  // The poller delivers within seconds; the margin is for a loaded machine.
  const deadline = Date.now() + 30_000;
  while ((await resetEmailRows(page, email).count()) < count) {
    if (Date.now() > deadline) throw new Error(`No reset email #${count} for ${email}`);
    await page.waitForTimeout(250);
    await page.reload();
  }
}

/**
 * Follows a link the way a keyboard user does. Not with the mouse: a click on a link below the fold
 * makes Playwright scroll, and Chromium routes the click by where things were before the scroll,
 * which on the mailbox's message page is the HTML part's sandboxed frame (a process of its own), so
 * the click lands in the email and the link is never followed. A key goes to the focused element.
 */
async function follow(link: Locator): Promise<void> {
  await link.press('Enter');
}

/** Opens the newest reset email to `email` from the mailbox list; its reset link and token. */
async function openNewestResetEmail(page: Page, email: string) {
  await resetEmailRows(page, email).first().getByRole('link').click();
  await page.getByRole('heading', { name: 'Text part' }).waitFor();
  // The text part's link: the HTML part's button opens a new tab from a sandboxed frame.
  const link = page.getByRole('link', { name: /#token=/ });
  const token = new URL((await link.getAttribute('href')) ?? '').hash.replace(/^#token=/, '');
  expect(token).toMatch(/^[\w-]{43}$/);
  return { link, token };
}

/** Whether keyboard focus is on the element `locator` finds. */
function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** The field's error message, as shown next to it and tied to it for assistive technology. */
async function expectFieldError(page: Page, label: string, message: string | RegExp) {
  const field = page.getByLabel(label, { exact: true });
  const errorId = `${await field.getAttribute('id')}-error`;
  const error = page.locator(`#${errorId}`);
  await error.filter({ hasText: message }).waitFor();
  expect(await error.getAttribute('aria-live')).toBe('polite');
  expect(await field.getAttribute('aria-describedby')).toContain(errorId);
  expect(await field.getAttribute('aria-invalid')).toBe('true');
}

/** Logs in through the API; the status says whether the password works. */
async function loginStatus(app: BrowserApp, email: string, password: string): Promise<number> {
  const response = await app.app.http().post('/auth/login').send({ email, password });
  return response.status;
}

describeInBrowser('The reset flow in a real browser', () => {
  let app: BrowserApp;
  let browser: LaunchedBrowser;
  const screenshots = new Screenshots();

  beforeAll(async () => {
    app = await startBrowserApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function registerAndForget(email: string): Promise<void> {
    await app.app
      .http()
      .post('/auth/register')
      .send({ email, password: STRONG_PASSWORD })
      .expect(201);
    await app.app.http().post('/auth/forgot-password').send({ email }).expect(202);
  }

  it('should go from the email to a new password, keeping the token out of every URL and Referer', async () => {
    const { sent, cspViolations } = watch(browser);
    const email = newEmail('browser');
    await registerAndForget(email);
    const page = await browser.context.newPage();

    await openMailbox(page, app, email);
    await screenshots.take(page, '01-mailbox', 'dev-mailbox.png');
    const { link, token } = await openNewestResetEmail(page, email);
    // Give the sandboxed frame its email before the picture is taken.
    await page.frameLocator('iframe').getByRole('link').first().waitFor();
    await screenshots.take(page, '02-email', 'reset-email.png');

    await follow(link);
    const form = page.getByRole('heading', { name: 'Choose a new password' });
    await form.waitFor();
    // The token left the address bar as soon as the page's script ran; the email's language stayed.
    expect(page.url()).toBe(`${app.origin}/reset-password?lang=en`);
    expect(await page.evaluate(() => location.hash)).toBe('');
    await screenshots.take(page, '03-form', 'reset-page.png');
    await expectAccessible(page, 'form');

    const newPassword = page.getByLabel('New password', { exact: true });
    const confirmation = page.getByLabel('Confirm new password', { exact: true });
    const submit = page.getByRole('button', { name: 'Set new password' });
    expect(await newPassword.getAttribute('autocomplete')).toBe('new-password');
    expect(await confirmation.getAttribute('autocomplete')).toBe('new-password');

    // A mistyped confirmation is caught before anything is sent.
    await newPassword.fill(OTHER_STRONG_PASSWORD);
    await confirmation.fill(`${OTHER_STRONG_PASSWORD}!`);
    await submit.click();
    await expectFieldError(page, 'Confirm new password', 'The two passwords do not match.');
    expect(sent.filter(({ url }) => url.endsWith('/auth/reset-password'))).toEqual([]);
    await screenshots.take(page, '04-mismatch');

    // A weak password: the server's 400 message next to the field.
    await newPassword.fill(WEAK_PASSWORD);
    await confirmation.fill(WEAK_PASSWORD);
    await submit.click();
    await expectFieldError(page, 'New password', /^Password is too easy to guess\./);
    await screenshots.take(page, '05-weak-password');
    await expectAccessible(page, 'error');

    await newPassword.fill(OTHER_STRONG_PASSWORD);
    await confirmation.fill(OTHER_STRONG_PASSWORD);
    await submit.click();
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
    const signIn = page.getByRole('link', { name: 'Sign in' });
    expect(await signIn.getAttribute('href')).toBe(app.origin);
    await screenshots.take(page, '06-success');
    await expectAccessible(page, 'success');

    // Set, and not signed in by the page: no access token ever reached it.
    expect(await loginStatus(app, email, OTHER_STRONG_PASSWORD)).toBe(200);
    expect(await loginStatus(app, email, STRONG_PASSWORD)).toBe(401);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expectTokenNeverSent(token, sent, app.received);
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it('should show a used link as expired, send a new one, and work with the keyboard alone at 360 px', async () => {
    const { sent, cspViolations } = watch(browser);
    const email = newEmail('expired');
    await registerAndForget(email);
    const page = await browser.context.newPage();
    await openMailbox(page, app, email);
    const { link, token } = await openNewestResetEmail(page, email);
    await app.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);

    await follow(link);
    await page
      .getByRole('heading', { name: 'This link has expired or was already used' })
      .waitFor();
    expect(page.url()).toBe(`${app.origin}/reset-password?lang=en`);
    await screenshots.take(page, '07-expired');
    await expectAccessible(page, 'expired');

    // The keyboard alone: focus sits on the state's heading, the email field is the next stop.
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Email', { exact: true }))).toBe(true);
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('button', { name: 'Send a new link' }))).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.getByText('If an account exists for that address').waitFor();
    await screenshots.take(page, '08-request-sent');
    await expectAccessible(page, 'request sent');

    // The new link arrives, and this time the whole form is filled in by keyboard.
    await openMailbox(page, app, email, 2);
    const second = await openNewestResetEmail(page, email);
    expect(second.token).not.toBe(token);
    await follow(second.link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();

    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);

    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('New password', { exact: true }))).toBe(true);
    await page.keyboard.type(THIRD_PASSWORD);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Confirm new password', { exact: true }))).toBe(true);
    await page.keyboard.type(THIRD_PASSWORD);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Show passwords', { exact: true }))).toBe(true);
    await page.keyboard.press('Space');
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('type')).toBe(
      'text',
    );
    await page.keyboard.press('Tab');
    // Focus is visible: the focused button draws an outline.
    const outline = await page.evaluate(() => {
      const focused = document.activeElement as HTMLElement;
      const style = getComputedStyle(focused);
      return { text: focused.textContent, width: style.outlineWidth, kind: style.outlineStyle };
    });
    expect(outline).toEqual({ text: 'Set new password', width: '3px', kind: 'solid' });
    await screenshots.take(page, '09-keyboard-360px');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');

    expect(await loginStatus(app, email, THIRD_PASSWORD)).toBe(200);
    expectTokenNeverSent(second.token, sent, app.received);
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});

describeInBrowser('The reset flow in German', () => {
  let app: BrowserApp;
  let browser: LaunchedBrowser;
  const screenshots = new Screenshots();

  beforeAll(async () => {
    app = await startBrowserApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The API calls the page made, each with the language it asked for. */
  function apiCalls(sent: SentRequest[]) {
    return sent
      .filter(({ method, url }) => method === 'POST' && url.includes('/auth/'))
      .map(({ url, language }) => ({ path: new URL(url).pathname, language }));
  }

  it("should follow a German email's link to a German page, and ask the API in German", async () => {
    const { sent, cspViolations } = watch(browser);
    const email = newEmail('deutsch');
    await app.app
      .http()
      .post('/auth/register')
      .send({ email, password: STRONG_PASSWORD, locale: 'de' })
      .expect(201);
    await app.app.http().post('/auth/forgot-password').send({ email }).expect(202);
    const page = await browser.context.newPage();
    await openMailbox(page, app, email);
    const { link, token } = await openNewestResetEmail(page, email);
    expect(await link.getAttribute('href')).toBe(
      `${app.origin}/reset-password?lang=de#token=${token}`,
    );

    await follow(link);
    await page.getByRole('heading', { name: 'Neues Passwort wählen' }).waitFor();
    expect(page.url()).toBe(`${app.origin}/reset-password?lang=de`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.title()).toBe('Passwort zurücksetzen · Test Product');
    await screenshots.take(page, 'de-01-form');
    await expectAccessible(page, 'form (de)');

    const newPassword = page.getByLabel('Neues Passwort', { exact: true });
    const confirmation = page.getByLabel('Neues Passwort bestätigen', { exact: true });
    const submit = page.getByRole('button', { name: 'Neues Passwort festlegen' });
    await page.getByLabel('Passwörter anzeigen', { exact: true }).check();
    expect(await newPassword.getAttribute('type')).toBe('text');

    await newPassword.fill('kurz');
    await submit.click();
    await expectFieldError(
      page,
      'Neues Passwort',
      'Verwenden Sie 8 bis 128 Zeichen (dieses hat 4).',
    );

    await newPassword.fill(OTHER_STRONG_PASSWORD);
    await confirmation.fill(`${OTHER_STRONG_PASSWORD}!`);
    await submit.click();
    await expectFieldError(
      page,
      'Neues Passwort bestätigen',
      'Die beiden Passwörter stimmen nicht überein.',
    );

    // The server's own message, in the page's language.
    await newPassword.fill(WEAK_PASSWORD);
    await confirmation.fill(WEAK_PASSWORD);
    await submit.click();
    await expectFieldError(page, 'Neues Passwort', /^Das Passwort ist zu leicht zu erraten\./);
    await screenshots.take(page, 'de-02-weak-password');
    await expectAccessible(page, 'error (de)');

    await newPassword.fill(OTHER_STRONG_PASSWORD);
    await confirmation.fill(OTHER_STRONG_PASSWORD);
    await submit.click();
    await page.getByRole('heading', { name: 'Ihr Passwort wurde geändert' }).waitFor();
    await page.getByText('Melden Sie sich mit Ihrem neuen Passwort an.').waitFor();
    expect(await page.getByRole('link', { name: 'Anmelden' }).getAttribute('href')).toBe(
      app.origin,
    );
    await screenshots.take(page, 'de-03-success');
    await expectAccessible(page, 'success (de)');

    expect(await loginStatus(app, email, OTHER_STRONG_PASSWORD)).toBe(200);
    expect(apiCalls(sent)).toEqual([
      { path: '/auth/reset-password/verify', language: 'de' },
      { path: '/auth/reset-password', language: 'de' },
      { path: '/auth/reset-password', language: 'de' },
    ]);
    expectTokenNeverSent(token, sent, app.received);
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it('should say in German that a link is used or cut short, and ask for a new one in German', async () => {
    const { sent, cspViolations } = watch(browser);
    const email = newEmail('deutsch-alt');
    await app.app
      .http()
      .post('/auth/register')
      .send({ email, password: STRONG_PASSWORD, locale: 'de' })
      .expect(201);
    await app.app.http().post('/auth/forgot-password').send({ email }).expect(202);
    const page = await browser.context.newPage();
    await openMailbox(page, app, email);
    const { link, token } = await openNewestResetEmail(page, email);
    await app.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);

    await follow(link);
    await page
      .getByRole('heading', { name: 'Dieser Link ist abgelaufen oder wurde bereits verwendet' })
      .waitFor();
    await screenshots.take(page, 'de-04-expired');
    await expectAccessible(page, 'expired (de)');

    const sendLink = page.getByRole('button', { name: 'Neuen Link senden' });
    await sendLink.click();
    await expectFieldError(page, 'E-Mail-Adresse', 'Geben Sie Ihre E-Mail-Adresse ein.');
    await page.getByLabel('E-Mail-Adresse', { exact: true }).fill(email);
    await sendLink.click();
    await page.getByRole('heading', { name: 'Sehen Sie in Ihr Postfach' }).waitFor();
    await page.getByText('Falls zu dieser Adresse ein Konto existiert').waitFor();
    await expectAccessible(page, 'request sent (de)');

    // A link without its token: the page still speaks the link's language.
    await page.goto(`${app.origin}/reset-password?lang=de`);
    await page.getByRole('heading', { name: 'Dieser Link ist unvollständig' }).waitFor();
    await page.getByText('Öffnen Sie den Link aus Ihrer E-Mail erneut').waitFor();

    expect(apiCalls(sent)).toEqual([
      { path: '/auth/reset-password/verify', language: 'de' },
      { path: '/auth/forgot-password', language: 'de' },
    ]);
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});

describeInBrowser('The reset page under a global prefix', () => {
  let app: BrowserApp;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    app = await startBrowserApp({
      globalPrefix: 'api',
      env: { RESET_PASSWORD_PATH: '/account/reset' },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("should call the API under the same prefix as the page's own", async () => {
    const email = newEmail('prefixed');
    await app.app
      .http()
      .post('/api/auth/register')
      .send({ email, password: STRONG_PASSWORD })
      .expect(201);
    await app.app.http().post('/api/auth/forgot-password').send({ email }).expect(202);
    const link = await resetLinkFromMailbox(app.mailDir, email);
    expect(link.startsWith(`${app.origin}/api/account/reset?lang=en#token=`)).toBe(true);
    const page = await browser.context.newPage();

    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(OTHER_STRONG_PASSWORD);
    await page.getByLabel('Confirm new password', { exact: true }).fill(OTHER_STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();

    expect(page.url()).toBe(`${app.origin}/api/account/reset?lang=en`);
    const posts = app.received.filter(({ method }) => method === 'POST').map(({ url }) => url);
    expect(posts).toEqual(
      expect.arrayContaining(['/api/auth/reset-password/verify', '/api/auth/reset-password']),
    );
    await page.close();
  });
});
