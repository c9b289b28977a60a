import { Logger } from '@nestjs/common';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import {
  type PasswordResetModuleOptions,
  resolvePasswordResetOptions,
} from '../../password-reset.options';
import { PwnedRangeServer, sha1Hex } from '../../../test/support/pwned-range-server';
import { BREACH_CHECK_TIMEOUT_MS, BreachedPasswordChecker } from './breached-password-checker';

const BREACHED = 'correct horse battery staple';
const CLEAN = 'violet tractor sings at midnight';

/** Two passwords whose SHA-1 start with the same 5 hex characters (found by trying). */
function samePrefixPair(): [string, string] {
  const seen = new Map<string, string>();
  for (let i = 0; ; i++) {
    const password = `shared prefix ${i}`;
    const prefix = sha1Hex(password).slice(0, 5);
    const other = seen.get(prefix);
    if (other !== undefined) return [other, password];
    seen.set(prefix, password);
  }
}

describe(BreachedPasswordChecker.name, () => {
  const server = new PwnedRangeServer();
  let warn: jest.SpyInstance;
  let logged: jest.SpyInstance[];

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    server.delayMs = 0;
    server.status = 200;
    server.body = undefined;
    logged = (['log', 'warn', 'error', 'debug', 'verbose'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined),
    );
    warn = logged[1];
  });
  afterEach(() => jest.restoreAllMocks());

  function checker(policy: PasswordResetModuleOptions['passwordPolicy'] = {}) {
    const settings = resolvePasswordResetOptions(
      {
        frontendUrl: 'https://app.example.com',
        passwordPolicy: { pwnedPasswordsUrl: server.url, ...policy },
      },
      false,
    );
    return new BreachedPasswordChecker(settings);
  }

  /** Everything logged at any level, as one text. */
  const logText = () =>
    logged.flatMap((spy) => spy.mock.calls.map((call) => JSON.stringify(call))).join('\n');

  it('should find a listed password, sending only the first 5 hex characters of its SHA-1', async () => {
    server.breach(BREACHED, 3);
    const hash = sha1Hex(BREACHED);

    await expect(checker().isBreached(BREACHED)).resolves.toBe(true);

    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].path).toBe(`/range/${hash.slice(0, 5)}`);
    expect(server.requests[0].headers['add-padding']).toBe('true');
    expect(JSON.stringify(server.requests)).not.toContain(hash.slice(5));
  });

  it('should not find a password the range does not list', async () => {
    await expect(checker().isBreached(CLEAN)).resolves.toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('should ignore padding entries (count 0)', async () => {
    const padded = 'a padding entry only 0';
    server.breach(padded, 0);

    await expect(checker().isBreached(padded)).resolves.toBe(false);
  });

  it('should find a password only when it was seen at least the minimum count', async () => {
    server.breach('seen nine times only', 9).breach('seen ten times exactly', 10);
    const strict = checker({ pwnedPasswordsMinCount: 10 });

    await expect(strict.isBreached('seen nine times only')).resolves.toBe(false);
    await expect(strict.isBreached('seen ten times exactly')).resolves.toBe(true);
  });

  it('should ask once per prefix and answer the others from its cache', async () => {
    const [first, second] = samePrefixPair();
    server.breach(second, 1);
    const cached = checker();

    await expect(cached.isBreached(first)).resolves.toBe(false);
    await expect(cached.isBreached(second)).resolves.toBe(true);
    await expect(cached.isBreached(first)).resolves.toBe(false);
    await Promise.all([cached.isBreached(CLEAN), cached.isBreached(CLEAN)]);

    expect(server.prefixes()).toEqual([sha1Hex(first).slice(0, 5), sha1Hex(CLEAN).slice(0, 5)]);
  });

  it('should ask nothing when no URL is set', async () => {
    const off = new BreachedPasswordChecker(
      resolvePasswordResetOptions({ frontendUrl: 'https://app.example.com' }, false),
    );

    await expect(off.isBreached(BREACHED)).resolves.toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it(`should skip the check after ${BREACH_CHECK_TIMEOUT_MS} ms with one warning per outage`, async () => {
    server.breach(BREACHED, 5);
    const slow = checker();
    server.delayMs = BREACH_CHECK_TIMEOUT_MS + 300;

    const started = Date.now();
    await expect(
      Promise.all([slow.isBreached(BREACHED), slow.isBreached('another password here')]),
    ).resolves.toEqual([false, false]);
    expect(Date.now() - started).toBeLessThan(BREACH_CHECK_TIMEOUT_MS + 250);
    server.status = 500;
    server.delayMs = 0;
    await expect(slow.isBreached('a third password to check')).resolves.toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);

    // Back: the next failure is a new outage, warned about again.
    server.status = 200;
    await expect(slow.isBreached(BREACHED)).resolves.toBe(true);
    server.status = 503;
    await expect(slow.isBreached('a fourth password to check')).resolves.toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('should refuse with UNAVAILABLE when it cannot check and fails closed', async () => {
    const closed = checker({ pwnedPasswordsFailClosed: true });
    server.status = 500;

    const error = (await closed.isBreached(CLEAN, 'de').catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(PasswordResetError);
    expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.Unavailable);
    expect(error.message).toMatch(/Datenlecks/);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should refuse with UNAVAILABLE after a timeout when it fails closed', async () => {
    const closed = checker({ pwnedPasswordsFailClosed: true });
    server.delayMs = BREACH_CHECK_TIMEOUT_MS + 300;

    await expect(closed.isBreached(CLEAN)).rejects.toMatchObject({
      code: PasswordResetErrorCode.Unavailable,
    });
  });

  it('should take an answer that is not a range for an outage', async () => {
    const closed = checker({ pwnedPasswordsFailClosed: true });
    server.body = '<html><body>Sign in to use this network</body></html>';

    await expect(closed.isBreached(CLEAN)).rejects.toMatchObject({
      code: PasswordResetErrorCode.Unavailable,
    });
  });

  it('should never log the password, its hash or its prefix', async () => {
    server.status = 500;
    await checker().isBreached(BREACHED);
    server.status = 200;
    await checker().isBreached(BREACHED);
    const hash = sha1Hex(BREACHED);

    const text = logText();
    expect(text).not.toContain(BREACHED);
    expect(text).not.toContain(hash.slice(0, 5));
    expect(text).not.toContain(hash.slice(5));
  });
});
