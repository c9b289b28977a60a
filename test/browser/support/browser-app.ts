import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { freePort } from '../../support/free-port';
import { createTestApp, TestApp } from '../../support/test-app';
import { createTestDatabase, TestDatabase } from '../../support/test-database';

/** A request as the server received it: what actually went over the wire. */
export interface ReceivedRequest {
  method: string;
  url: string;
  referer?: string;
}

export interface BrowserApp {
  app: TestApp;
  /** `http://127.0.0.1:<port>`, where the browser goes. */
  origin: string;
  /** The origin and the global prefix: `FRONTEND_URL`, so the emailed links lead to this app. */
  base: string;
  /** The dev mailbox folder. */
  mailDir: string;
  /** Every request the server has received, in order. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export interface BrowserAppOptions {
  globalPrefix?: string;
  env?: Record<string, string>;
}

/**
 * The whole service on SQLite with the dev mailbox (no SMTP), listening on 127.0.0.1 for a browser.
 * The port is chosen first, because `FRONTEND_URL` (read at start-up) must be this very origin.
 */
export async function startBrowserApp(options: BrowserAppOptions = {}): Promise<BrowserApp> {
  const database: TestDatabase = await createTestDatabase('sqlite');
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const base = options.globalPrefix ? `${origin}/${options.globalPrefix}` : origin;
  const mailDir = mkdtempSync(join(tmpdir(), 'npr-browser-mailbox-'));
  const app = await createTestApp({
    database,
    globalPrefix: options.globalPrefix,
    env: { FRONTEND_URL: base, MAIL_DEV_DIR: mailDir, ...options.env },
  });
  const received: ReceivedRequest[] = [];
  // Node's own 'request' event sees every request before Express does, exactly as it arrived.
  app.app.getHttpServer().on('request', (request: IncomingMessage) => {
    received.push({
      method: request.method ?? '',
      url: request.url ?? '',
      referer: request.headers.referer,
    });
  });
  await app.app.listen(port, '127.0.0.1');
  return {
    app,
    origin,
    base,
    mailDir,
    received,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** The reset link of the `count`-th reset email to `email` in the dev mailbox, once it is there. */
export async function resetLinkFromMailbox(
  mailDir: string,
  email: string,
  count = 1,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const links: string[] = [];
    for (const name of (await readdir(mailDir)).filter((file) => file.endsWith('.eml')).sort()) {
      const mail = await simpleParser(await readFile(join(mailDir, name)));
      const link = /https?:\/\/\S+#token=[\w-]+/.exec(mail.text ?? '');
      if (link && mail.to && JSON.stringify(mail.to).includes(email)) links.push(link[0]);
    }
    if (links.length >= count) return links[count - 1];
    if (Date.now() > deadline) throw new Error(`No reset email #${count} for ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
