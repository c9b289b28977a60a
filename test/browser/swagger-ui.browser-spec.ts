import { BrowserApp, startBrowserApp } from './support/browser-app';
import { describeInBrowser, LaunchedBrowser, launchBrowser } from './support/browser';

jest.setTimeout(120_000);

/** A JWT-shaped value: Swagger UI keeps whatever it is given; the service never sees it here. */
const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0cnkifQ.c2lnbmF0dXJl';

describeInBrowser('Swagger UI as a newcomer first sees it', () => {
  let app: BrowserApp;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    app = await startBrowserApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('should show the Authorize button without scrolling, and register and login before the reset routes', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.origin}/docs`);
    const authorize = page.locator('button.authorize');
    await authorize.waitFor({ state: 'visible' });
    const box = await authorize.boundingBox();
    const viewport = page.viewportSize();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport!.height);

    // displayOperationId: each operation shows its id, in the order the document lists them.
    const ids = await page.locator('.opblock .opblock-summary-operation-id').allTextContents();
    const position = (id: string) => ids.indexOf(id);
    expect(position('register')).toBeGreaterThanOrEqual(0);
    expect(position('login')).toBeGreaterThan(position('register'));
    expect(position('forgotPassword')).toBeGreaterThan(position('login'));
    await page.close();
  });

  it('should keep an entered access token across a reload (persistAuthorization)', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.origin}/docs`);
    await page.locator('button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input[type=text]').first().fill(ACCESS_TOKEN);
    await dialog.locator('button.authorize').first().click();
    await dialog.locator('button.close-modal').click();
    await page.locator('button.authorize.locked').waitFor({ state: 'visible' });

    await page.reload();
    await page.locator('.opblock').first().waitFor({ state: 'visible' });
    expect(await page.locator('button.authorize.locked').count()).toBe(1);
    await page.close();
  });
});
