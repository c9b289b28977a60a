import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { eventually } from '../embedding/support/eventually';
import { registerUser } from '../support/factories';
import { createTestApp, TestApp, useTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');
const DOMAIN = 'test.example';
const SELECTOR = 'npr2030';

/** A signing key as an operator would hold it: a PEM file, and its public half published in DNS. */
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyDir = mkdtempSync(join(tmpdir(), 'npr-dkim-'));
const keyFile = join(keyDir, 'dkim.pem');
writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
const DKIM_ENV = { DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, DKIM_PRIVATE_KEY: keyFile };

/** DNS as the receiver sees it: the public key's TXT record, nothing else. */
const resolver = (name: string, rrtype: string): Promise<string[][]> => {
  if (rrtype === 'TXT' && name === `${SELECTOR}._domainkey.${DOMAIN}`) {
    const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    return Promise.resolve([[`v=DKIM1; k=rsa; p=${publicKey}`]]);
  }
  return Promise.reject(
    Object.assign(new Error(`No ${rrtype} record for ${name}`), { code: 'ENOTFOUND' }),
  );
};

/** What a receiver concludes about the message's one DKIM signature. */
async function verify(raw: string) {
  const { results } = await dkimVerify(raw, { resolver });
  expect(results).toHaveLength(1);
  const [{ status, signingDomain, selector }] = results;
  return { result: status.result, comment: status.comment, signingDomain, selector };
}

afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

describe('DKIM signing (DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY)', () => {
  describe('over SMTP', () => {
    const ctx = useTestApp('sqlite', DKIM_ENV);
    let raw: string;

    beforeAll(async () => {
      const user = await registerUser(ctx.app);
      await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      [{ raw }] = await ctx.smtp.waitForMail(user.email);
    });

    it('should sign with the key, so the public key in DNS verifies the message', async () => {
      expect(raw.startsWith('DKIM-Signature: ')).toBe(true);
      expect(await verify(raw)).toEqual({
        result: 'pass',
        comment: undefined,
        signingDomain: DOMAIN,
        selector: SELECTOR,
      });
    });

    it('should sign the body: a changed body no longer verifies', async () => {
      const tampered = raw.replace('Someone asked to reset', 'Someone asked to RESET');
      expect(tampered).not.toBe(raw);

      expect(await verify(tampered)).toMatchObject({
        result: 'neutral',
        comment: 'body hash did not verify',
      });
    });

    it('should sign the headers: a changed subject no longer verifies', async () => {
      const tampered = raw.replace(/^Subject: .*$/m, 'Subject: Something else');
      expect(tampered).not.toBe(raw);

      expect(await verify(tampered)).toMatchObject({ result: 'fail', comment: 'bad signature' });
    });
  });

  describe('in the dev mailbox', () => {
    let database: TestDatabase;
    let app: TestApp;
    const mailbox = mkdtempSync(join(tmpdir(), 'npr-dkim-mailbox-'));

    beforeAll(async () => {
      database = await createTestDatabase('sqlite');
      app = await createTestApp({ database, env: { ...DKIM_ENV, MAIL_DEV_DIR: mailbox } });
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
      rmSync(mailbox, { recursive: true, force: true });
    });

    it('should store signed messages, as they would leave over SMTP', async () => {
      const user = await registerUser(app);
      await app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      const file = await eventually(() => {
        const eml = readdirSync(mailbox).find((name) => name.endsWith('.eml'));
        expect(eml).toBeDefined();
        return eml!;
      });

      expect(await verify(readFileSync(join(mailbox, file), 'utf8'))).toMatchObject({
        result: 'pass',
      });
    });
  });

  it('should refuse to start, with one error naming each problem and never the key', () => {
    const badKey = keys.privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString()
      .replace(/\n[A-Za-z0-9+/]{8}/, '\n');
    const keyLine = badKey.split('\n')[5];

    // The real entry point in a process of its own, as an operator starts it.
    const run = spawnSync(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), MAIN],
      {
        cwd: keyDir,
        env: {
          PATH: process.env.PATH,
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          NODE_ENV: 'test',
          DATABASE_URL: 'sqlite::memory:',
          DKIM_DOMAIN: DOMAIN,
          DKIM_PRIVATE_KEY: badKey,
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

    const output = run.stdout + run.stderr;
    expect(run.status).toBe(1);
    expect(output).toContain('Invalid environment:');
    expect(output).toContain('set DKIM_SELECTOR too, or none of them');
    expect(output).toContain('DKIM_PRIVATE_KEY does not hold a private key in PEM form');
    expect(output).not.toContain(keyLine);
  });
});
