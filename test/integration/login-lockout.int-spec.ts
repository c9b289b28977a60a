import { PASSWORD_RESET_SETTINGS } from '../../src/password-reset.constants';
import type { PasswordResetSettings } from '../../src/password-reset.options';
import { AddressKeys } from '../../src/limits/per-address/address-keys';
import { clientNetwork } from '../../src/limits/per-address/client-network';
import { EmailCooldownService } from '../../src/limits/per-address/email-cooldown.service';
import { LoginFailure } from '../../src/limits/per-address/login-failure.entity';
import { LoginLockoutService } from '../../src/limits/per-address/login-lockout.service';
import { newEmail } from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

const MAX_FAILURES = 5;
const MAX_FAILURES_PER_ADDRESS = 12;
const IP = '203.0.113.7';
const DAY_MS = 24 * 3_600_000;
const COOLDOWN_SECONDS = 60;
/**
 * Every `now` in this file counts from here. It lies ahead of the wall clock so that the app's own
 * hourly purge, which runs on the real time, can never remove a row while a test looks at it.
 */
const T0 = new Date('2099-03-01T12:00:00.000Z');
const SECOND = 1_000;

function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

describe.each(databaseKinds())('Per-address limits on a real database (%s)', (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let lockout: LoginLockoutService;
  let cooldown: EmailCooldownService;
  let windowMs: number;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({
      database,
      options: {
        limits: {
          loginMaxFailures: MAX_FAILURES,
          loginMaxFailuresPerAddress: MAX_FAILURES_PER_ADDRESS,
          resetEmailCooldownSeconds: COOLDOWN_SECONDS,
          resetEmailDailyLimit: 5,
        },
      },
    });
    lockout = app.app.get(LoginLockoutService);
    cooldown = app.app.get(EmailCooldownService);
    windowMs =
      app.app.get<PasswordResetSettings>(PASSWORD_RESET_SETTINGS).limits.loginFailureWindowSeconds *
      SECOND;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** The count of `email`'s failures from {@link IP}'s network. */
  function failureRow(email: string, ip = IP): Promise<LoginFailure | null> {
    const keyHash = app.app.get(AddressKeys).of(email, `login from ${clientNetwork(ip)}`);
    return app.dataSource.getRepository(LoginFailure).findOneBy({ keyHash });
  }

  async function recordFailures(email: string, count: number, now: Date, ip = IP): Promise<void> {
    for (let i = 0; i < count; i++) await lockout.attempt(email, ip, now);
  }

  describe(LoginLockoutService.name, () => {
    it('should use the documented 15-minute window', () => {
      expect(windowMs).toBe(15 * 60 * SECOND);
    });

    it('should not lock an address below the limit', async () => {
      const email = newEmail();
      expect(await lockout.isLocked(email, IP, at(0))).toBe(false);
      for (let i = 0; i < MAX_FAILURES - 1; i++) {
        await lockout.attempt(email, IP, at(i * SECOND));
        expect(await lockout.isLocked(email, IP, at(i * SECOND))).toBe(false);
      }
      expect(await lockout.isLocked(email, IP, at(MAX_FAILURES * SECOND))).toBe(false);
      expect((await failureRow(email))?.failures).toBe(MAX_FAILURES - 1);
    });

    it('should lock an address at the limit', async () => {
      const email = newEmail();
      await recordFailures(email, MAX_FAILURES - 1, at(0));
      await lockout.attempt(email, IP, at(10 * SECOND));
      expect(await lockout.isLocked(email, IP, at(10 * SECOND))).toBe(true);
    });

    it('should keep the lock for the window from the failure that reached the limit', async () => {
      const email = newEmail();
      await recordFailures(email, MAX_FAILURES, at(0));
      expect(await lockout.isLocked(email, IP, at(windowMs - SECOND))).toBe(true);
      expect(await lockout.isLocked(email, IP, at(windowMs + SECOND))).toBe(false);
    });

    it('should not lock other addresses', async () => {
      const email = newEmail();
      const other = newEmail();
      await recordFailures(email, MAX_FAILURES, at(0));
      expect(await lockout.isLocked(email, IP, at(SECOND))).toBe(true);
      expect(await lockout.isLocked(other, IP, at(SECOND))).toBe(false);
    });

    it('should start a new count for a failure after the window has run out', async () => {
      const email = newEmail();
      await recordFailures(email, MAX_FAILURES - 1, at(0));
      const late = at(windowMs + SECOND);
      await lockout.attempt(email, IP, late);

      expect(await lockout.isLocked(email, IP, at(windowMs + 2 * SECOND))).toBe(false);
      const row = await failureRow(email);
      expect(row?.failures).toBe(1);
      expect(row?.windowStartedAt.getTime()).toBe(late.getTime());
      // The new window needs the whole limit again.
      await recordFailures(email, MAX_FAILURES - 2, late);
      expect(await lockout.isLocked(email, IP, late)).toBe(false);
      await lockout.attempt(email, IP, late);
      expect(await lockout.isLocked(email, IP, late)).toBe(true);
    });

    it('should remove the lock and the count on clear()', async () => {
      const email = newEmail();
      await recordFailures(email, MAX_FAILURES, at(0));
      expect(await lockout.isLocked(email, IP, at(SECOND))).toBe(true);

      await lockout.clear(email);

      expect(await lockout.isLocked(email, IP, at(SECOND))).toBe(false);
      expect(await failureRow(email)).toBeNull();
      await lockout.attempt(email, IP, at(2 * SECOND));
      expect(await lockout.isLocked(email, IP, at(2 * SECOND))).toBe(false);
    });

    it('should lock an address from one network without locking it from another', async () => {
      const email = newEmail();
      await recordFailures(email, MAX_FAILURES, at(0));

      expect(await lockout.isLocked(email, IP, at(SECOND))).toBe(true);
      expect(await lockout.isLocked(email, '203.0.113.99', at(SECOND))).toBe(true);
      expect(await lockout.isLocked(email, '198.51.100.1', at(SECOND))).toBe(false);
      expect(await lockout.attempt(email, '198.51.100.1', at(SECOND))).toBe(true);
    });

    it('should lock the address from every network past limits.loginMaxFailuresPerAddress', async () => {
      const email = newEmail();
      for (let n = 0; n < MAX_FAILURES_PER_ADDRESS; n++) {
        expect(await lockout.attempt(email, `10.${n}.0.1`, at(n * SECOND))).toBe(true);
      }

      expect(await lockout.attempt(email, '198.51.100.1', at(20 * SECOND))).toBe(false);
      expect(await lockout.isLocked(email, '192.0.2.1', at(21 * SECOND))).toBe(true);
    });

    it('should not count attempts refused by their network’s lock toward the address’s count', async () => {
      const email = newEmail();
      // Ten addresses of one /24, each well inside any per-IP limit, send 100 guesses between them.
      for (let n = 0; n < 100; n++) {
        await lockout.attempt(email, `127.0.1.${(n % 10) + 1}`, at(n * SECOND));
      }

      const keys = app.app.get(AddressKeys);
      const addressCount = await app.dataSource
        .getRepository(LoginFailure)
        .findOneBy({ keyHash: keys.of(email, 'login') });
      expect(addressCount?.failures).toBe(MAX_FAILURES);
      // The owner, from two other networks, gets in; the guessing network stays locked.
      expect(await lockout.attempt(email, '198.51.100.20', at(101 * SECOND))).toBe(true);
      expect(await lockout.attempt(email, '192.0.2.20', at(102 * SECOND))).toBe(true);
      expect(await lockout.attempt(email, '127.0.1.77', at(103 * SECOND))).toBe(false);
    });

    it('should let at most limits.loginMaxFailures of a burst from one network reach the address’s count', async () => {
      const email = newEmail();
      const verdicts = await Promise.all(
        Array.from({ length: 30 }, (_, n) => lockout.attempt(email, `127.0.2.${n + 1}`, at(0))),
      );

      expect(verdicts.filter(Boolean)).toHaveLength(MAX_FAILURES);
      const keys = app.app.get(AddressKeys);
      const addressCount = await app.dataSource
        .getRepository(LoginFailure)
        .findOneBy({ keyHash: keys.of(email, 'login') });
      expect(addressCount?.failures).toBe(MAX_FAILURES);
      expect(await lockout.isLocked(email, '198.51.100.20', at(SECOND))).toBe(false);
    });

    it("should clear only the network's count after a success there, and every count on clear()", async () => {
      const email = newEmail();
      await recordFailures(email, MAX_FAILURES - 1, at(0));
      await recordFailures(email, MAX_FAILURES, at(0), '198.51.100.1');

      await lockout.clearNetwork(email, IP);

      expect(await failureRow(email)).toBeNull();
      expect(await lockout.isLocked(email, '198.51.100.1', at(SECOND))).toBe(true);
      await lockout.clear(email);
      expect(await lockout.isLocked(email, '198.51.100.1', at(SECOND))).toBe(false);
      expect(await app.dataSource.getRepository(LoginFailure).countBy({})).toBeGreaterThanOrEqual(
        0,
      );
      const keys = app.app.get(AddressKeys);
      expect(
        await app.dataSource
          .getRepository(LoginFailure)
          .countBy({ addressKey: keys.of(email, 'login') }),
      ).toBe(0);
    });

    it('should count every one of 10 concurrent failures', async () => {
      const email = newEmail();
      await Promise.all(Array.from({ length: 10 }, () => lockout.attempt(email, IP, at(0))));
      expect((await failureRow(email))?.failures).toBe(10);
      expect(await lockout.isLocked(email, IP, at(SECOND))).toBe(true);
    });

    it('should lock when concurrent failures cross the limit together', async () => {
      const email = newEmail();
      await Promise.all(
        Array.from({ length: MAX_FAILURES }, () => lockout.attempt(email, IP, at(0))),
      );
      expect(await lockout.isLocked(email, IP, at(SECOND))).toBe(true);
    });

    it('should purge rows whose window and lock have both run out, and keep the others', async () => {
      const unlocked = newEmail('unlocked');
      await lockout.attempt(unlocked, IP, at(0));
      const lockOver = newEmail('lock-over');
      await recordFailures(lockOver, MAX_FAILURES, at(0)); // locked until T0 + window
      const stillLocked = newEmail('still-locked');
      await lockout.attempt(stillLocked, IP, at(0));
      // Same window (it began at T0), so this locks until T0 + 2 windows - 1 s.
      await recordFailures(stillLocked, MAX_FAILURES - 1, at(windowMs - SECOND));
      const recent = newEmail('recent');
      await lockout.attempt(recent, IP, at(windowMs - SECOND));

      const now = at(windowMs + SECOND);
      expect(await lockout.isLocked(stillLocked, IP, now)).toBe(true);
      const removed = await lockout.purgeExpired(now);

      expect(removed).toBeGreaterThanOrEqual(2);
      expect(await failureRow(unlocked)).toBeNull();
      expect(await failureRow(lockOver)).toBeNull();
      expect(await failureRow(stillLocked)).not.toBeNull();
      expect(await lockout.isLocked(stillLocked, IP, now)).toBe(true);
      expect(await failureRow(recent)).not.toBeNull();
    });
    it('should purge 70,000 run-out counts in one go', async () => {
      const old = new Date('2020-01-01T00:00:00Z');
      const rows = Array.from({ length: 70_000 }, (_, i) => ({
        keyHash: `f${i.toString(16).padStart(63, '0')}`,
        addressKey: `a${i.toString(16).padStart(63, '0')}`,
        failures: 1,
        windowStartedAt: old,
        lockedUntil: null,
      }));
      await app.dataSource.transaction(async (manager) => {
        for (let i = 0; i < rows.length; i += 1000) {
          await manager.getRepository(LoginFailure).insert(rows.slice(i, i + 1000));
        }
      });
      await expect(lockout.purgeExpired(new Date('2021-01-01T00:00:00Z'))).resolves.toBe(70_000);
    });
  });

  describe(EmailCooldownService.name, () => {
    it('should grant the first request, refuse others within the cooldown, and grant one after', async () => {
      const email = newEmail();
      expect(await cooldown.tryAcquire(email, at(0))).toBe(true);
      expect(await cooldown.tryAcquire(email, at(SECOND))).toBe(false);
      expect(await cooldown.tryAcquire(email, at((COOLDOWN_SECONDS - 1) * SECOND))).toBe(false);
      expect(await cooldown.tryAcquire(email, at((COOLDOWN_SECONDS + 1) * SECOND))).toBe(true);
      // That grant started a new cooldown.
      expect(await cooldown.tryAcquire(email, at((COOLDOWN_SECONDS + 2) * SECOND))).toBe(false);
    });

    it('should keep one address’s cooldown from affecting another', async () => {
      const email = newEmail();
      expect(await cooldown.tryAcquire(email, at(0))).toBe(true);
      expect(await cooldown.tryAcquire(newEmail(), at(SECOND))).toBe(true);
    });

    it('should grant at most RESET_EMAIL_DAILY_LIMIT (5) emails per address in 24 hours', async () => {
      const email = newEmail();
      const spaced = (n: number) => at(n * (COOLDOWN_SECONDS + 1) * SECOND);
      for (let n = 0; n < 5; n++) expect(await cooldown.tryAcquire(email, spaced(n))).toBe(true);

      expect(await cooldown.tryAcquire(email, spaced(5))).toBe(false);
      expect(await cooldown.tryAcquire(email, at(DAY_MS - SECOND))).toBe(false);
      // The day counts from the first email; after it, a new day begins with this one.
      expect(await cooldown.tryAcquire(email, at(DAY_MS + SECOND))).toBe(true);
      expect(await cooldown.tryAcquire(email, at(DAY_MS + (COOLDOWN_SECONDS + 2) * SECOND))).toBe(
        true,
      );
    });

    it('should grant exactly one of 10 concurrent requests for one address', async () => {
      const email = newEmail();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => cooldown.tryAcquire(email, at(0))),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });
  });
});
