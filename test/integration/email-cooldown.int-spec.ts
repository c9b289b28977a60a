import { EntityManager } from 'typeorm';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { EmailStatus, QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { EmailCooldownService } from '../../src/limits/per-address/email-cooldown.service';
import { ResetEmailCooldown } from '../../src/limits/per-address/reset-email-cooldown.entity';
import { PasswordResetService } from '../../src/reset/password-reset.service';
import { newEmail } from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

const COOLDOWN_SECONDS = 60;
const DAILY_LIMIT = 5;
const DAILY_LIMIT_PER_ADDRESS = 20;
const SECOND = 1_000;
const DAY_MS = 24 * 3_600_000;
/** Two client networks (different /24s) and a neighbour inside the first one. */
const ATTACKER = '203.0.113.7';
const ATTACKER_NEIGHBOUR = '203.0.113.200';
const OWNER = '198.51.100.20';
/**
 * Every `now` in this file counts from here. It lies ahead of the wall clock so that the app's own
 * hourly purge, which runs on the real time, can never remove a row while a test looks at it.
 */
const T0 = new Date('2098-06-01T12:00:00.000Z');

function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

/** The n-th request of a series, each one just past the cooldown of the one before. */
function spaced(n: number): Date {
  return at(n * (COOLDOWN_SECONDS + 1) * SECOND);
}

/** A client in the n-th of many /24 networks. */
function network(n: number): string {
  return `10.${Math.floor(n / 250)}.${n % 250}.1`;
}

describe.each(databaseKinds())('Reset email caps per address and client network (%s)', (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let cooldown: EmailCooldownService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({
      database,
      options: {
        limits: {
          resetEmailCooldownSeconds: COOLDOWN_SECONDS,
          resetEmailDailyLimit: DAILY_LIMIT,
          resetEmailDailyLimitPerAddress: DAILY_LIMIT_PER_ADDRESS,
        },
        // The poller would only add statements of its own; the listener still sends what comes in.
        delivery: { pollIntervalSeconds: 3600 },
      },
    });
    cooldown = app.app.get(EmailCooldownService);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  describe(EmailCooldownService.name, () => {
    it("should keep the owner's emails coming after another network has used up its daily limit", async () => {
      const email = newEmail('owner');
      for (let n = 0; n < DAILY_LIMIT; n++) {
        expect(await cooldown.tryAcquire(email, spaced(n), ATTACKER)).toBe(true);
      }

      // That network (the whole /24) is capped for the day...
      expect(await cooldown.tryAcquire(email, spaced(DAILY_LIMIT), ATTACKER)).toBe(false);
      expect(await cooldown.tryAcquire(email, spaced(DAILY_LIMIT), ATTACKER_NEIGHBOUR)).toBe(false);
      expect(await cooldown.tryAcquire(email, at(DAY_MS - SECOND), ATTACKER)).toBe(false);
      // ...and the owner, on their own network, is not.
      expect(await cooldown.tryAcquire(email, spaced(DAILY_LIMIT), OWNER)).toBe(true);
    });

    it("should run the cooldown per network, so another network's request does not start the owner's", async () => {
      const email = newEmail('owner');
      expect(await cooldown.tryAcquire(email, at(0), ATTACKER)).toBe(true);

      expect(await cooldown.tryAcquire(email, at(SECOND), OWNER)).toBe(true);
      expect(await cooldown.tryAcquire(email, at(2 * SECOND), ATTACKER)).toBe(false);
      expect(await cooldown.tryAcquire(email, at(2 * SECOND), OWNER)).toBe(false);
      expect(await cooldown.tryAcquire(email, at((COOLDOWN_SECONDS + 2) * SECOND), OWNER)).toBe(
        true,
      );
    });

    it('should send at most limits.resetEmailDailyLimitPerAddress (20) a day from all networks together', async () => {
      const email = newEmail('owner');
      for (let n = 0; n < DAILY_LIMIT_PER_ADDRESS; n++) {
        expect(await cooldown.tryAcquire(email, at(n * SECOND), network(n))).toBe(true);
      }

      const later = at(DAILY_LIMIT_PER_ADDRESS * SECOND);
      expect(await cooldown.tryAcquire(email, later, network(DAILY_LIMIT_PER_ADDRESS))).toBe(false);
      expect(await cooldown.tryAcquire(email, later, OWNER)).toBe(false);
      expect(await cooldown.tryAcquire(email, at(DAY_MS - SECOND), OWNER)).toBe(false);
      // The address's day began with the first of them.
      expect(await cooldown.tryAcquire(email, at(DAY_MS + SECOND), OWNER)).toBe(true);
    });

    it("should not count a request its network refused towards the address's cap", async () => {
      const email = newEmail('owner');
      for (let n = 0; n < DAILY_LIMIT; n++) {
        expect(await cooldown.tryAcquire(email, spaced(n), ATTACKER)).toBe(true);
      }
      for (let n = DAILY_LIMIT; n < DAILY_LIMIT + 30; n++) {
        expect(await cooldown.tryAcquire(email, spaced(n), ATTACKER)).toBe(false);
      }

      const afterwards = spaced(DAILY_LIMIT + 30);
      const left = DAILY_LIMIT_PER_ADDRESS - DAILY_LIMIT;
      for (let n = 0; n < left; n++) {
        expect(await cooldown.tryAcquire(email, afterwards, network(n))).toBe(true);
      }
      expect(await cooldown.tryAcquire(email, afterwards, OWNER)).toBe(false);
    });

    it("should not count towards the owner's network the requests the address's cap refused", async () => {
      const email = newEmail('owner');
      for (let n = 0; n < DAILY_LIMIT_PER_ADDRESS; n++) {
        expect(await cooldown.tryAcquire(email, at(n * SECOND), network(n))).toBe(true);
      }
      // The owner keeps asking while the address's emails are used up.
      for (let n = 0; n < DAILY_LIMIT + 2; n++) {
        expect(await cooldown.tryAcquire(email, spaced(n + 1), OWNER)).toBe(false);
      }

      // Once the address's day is over, the owner's network has its whole allowance, at once.
      const nextDay = DAY_MS + SECOND;
      for (let n = 0; n < DAILY_LIMIT; n++) {
        expect(
          await cooldown.tryAcquire(
            email,
            at(nextDay + n * (COOLDOWN_SECONDS + 1) * SECOND),
            OWNER,
          ),
        ).toBe(true);
      }
    });

    it('should let exactly as many simultaneous requests through as the caps allow', async () => {
      const spread = newEmail('spread');
      const fromMany = await Promise.all(
        Array.from({ length: 30 }, (_, n) => cooldown.tryAcquire(spread, at(0), network(n))),
      );
      const together = newEmail('together');
      const fromOne = await Promise.all(
        Array.from({ length: 10 }, () => cooldown.tryAcquire(together, at(0), ATTACKER)),
      );

      expect(fromMany.filter(Boolean)).toHaveLength(DAILY_LIMIT_PER_ADDRESS);
      expect(fromOne.filter(Boolean)).toHaveLength(1);
    });

    it('should count requests without a client IP as one network of their own', async () => {
      const email = newEmail('host');
      for (let n = 0; n < DAILY_LIMIT; n++) {
        expect(await cooldown.tryAcquire(email, spaced(n))).toBe(true);
      }

      expect(await cooldown.tryAcquire(email, spaced(DAILY_LIMIT))).toBe(false);
      expect(await cooldown.tryAcquire(email, spaced(DAILY_LIMIT), OWNER)).toBe(true);
    });

    it('should key every row with a 64-character HMAC', async () => {
      const email = newEmail('keyed');
      await cooldown.tryAcquire(email, at(0), ATTACKER);
      await cooldown.tryAcquire(email, at(0), OWNER);

      const keys = (await app.dataSource.getRepository(ResetEmailCooldown).find()).map(
        (row) => row.keyHash,
      );
      for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(keys.join(' ')).not.toContain(email);
    });

    (kind === 'postgres' ? it : it.skip)(
      'should take the rows of an address in one order, so transactions side by side never deadlock (PostgreSQL only: SQLite has one writer)',
      async () => {
        const email = newEmail('order');
        const request = (clientIp: string) => ({ email, clientIp, now: at(0) });
        const inTransaction = (work: (manager: EntityManager) => Promise<boolean[]>) =>
          app.dataSource.transaction(work);
        // Lock waits in this test's database, to know when each transaction has got as far as it can.
        const waiting = async (count: number) => {
          for (;;) {
            const [{ n }] = await app.dataSource.query<{ n: string }[]>(
              `SELECT count(*) AS n FROM pg_stat_activity ` +
                `WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            if (Number(n) >= count) return;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        };

        // One transaction holds the address's rows open...
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let holding!: () => void;
        const held = new Promise<void>((resolve) => (holding = resolve));
        const holder = inTransaction(async (manager) => {
          const verdicts = await cooldown.acquireAll([request(network(9))], manager);
          holding();
          await released;
          return verdicts;
        });
        // (Should the holder fail, say so rather than wait for ever.)
        await Promise.race([held, holder]);
        // ...while two more queue up behind it, asking from networks they share.
        const first = inTransaction((manager) =>
          cooldown.acquireAll([request(network(1)), request(network(2))], manager),
        );
        await waiting(1);
        const second = inTransaction((manager) =>
          cooldown.acquireAll([request(network(2))], manager),
        );
        await waiting(2);
        release();

        // Had either taken the address's row between two network rows, PostgreSQL would have
        // broken a deadlock by failing one of them.
        await expect(Promise.all([holder, first, second])).resolves.toEqual([
          [true],
          [true, true],
          [false],
        ]);
      },
    );
  });

  describe(`${PasswordResetService.name}.requestReset`, () => {
    const queue = () => app.dataSource.getRepository(QueuedEmail);
    /** How many of the requests made by `work` were recorded as throttled, and how many not. */
    async function verdictsOf(work: () => Promise<void>): Promise<[number, number]> {
      const [throttledBefore, allBefore] = [
        await queue().countBy({ status: EmailStatus.Throttled }),
        await queue().count(),
      ];
      await work();
      const throttled =
        (await queue().countBy({ status: EmailStatus.Throttled })) - throttledBefore;
      return [(await queue().count()) - allBefore - throttled, throttled];
    }

    it("should record the owner's request for sending while the attacker's network is in its cooldown", async () => {
      const resets = app.app.get(PasswordResetService);
      const email = newEmail('owner');

      const [sent, throttled] = await verdictsOf(async () => {
        await resets.requestReset(email, ATTACKER);
        await resets.requestReset(email, ATTACKER_NEIGHBOUR);
        await resets.requestReset(email, OWNER);
      });

      expect([sent, throttled]).toEqual([2, 1]);
    });

    it('should apply the caps to requests written together in one transaction', async () => {
      const resets = app.app.get(PasswordResetService);
      const email = newEmail('owner');

      const [sent, throttled] = await verdictsOf(async () => {
        await Promise.all(
          [ATTACKER, OWNER, ATTACKER_NEIGHBOUR, OWNER, network(1)].map((ip) =>
            resets.requestReset(email, ip),
          ),
        );
      });

      // One per network: the attacker's /24, the owner's and the third.
      expect([sent, throttled]).toEqual([3, 2]);
    });

    it('should send the same statements for an address with an account and one without', async () => {
      const resets = app.app.get(PasswordResetService);
      const known = newEmail('known');
      await app.app.get(UserAccountsService).create(known, 'not a real hash');
      const unknown = newEmail('unknown');

      /** The statements about limits and the queue's INSERT, with their parameter counts. */
      async function statementsOf(email: string): Promise<string[]> {
        const sent: string[] = [];
        const original = EntityManager.prototype.query;
        const query = jest.spyOn(EntityManager.prototype, 'query').mockImplementation(function (
          this: EntityManager,
          sql: string,
          parameters?: unknown[],
        ) {
          if (/reset_email_cooldowns|INSERT INTO "?account_email_queue/.test(sql)) {
            sent.push(`${sql} [${parameters?.length ?? 0}]`);
          }
          return original.call(this, sql, parameters);
        });
        try {
          await resets.requestReset(email, ATTACKER);
          await resets.requestReset(email, ATTACKER);
          await resets.requestReset(email, OWNER);
        } finally {
          query.mockRestore();
        }
        return sent;
      }

      const forKnown = await statementsOf(known);
      const forUnknown = await statementsOf(unknown);

      expect(forKnown.length).toBeGreaterThan(0);
      expect(forUnknown).toEqual(forKnown);
    });
  });
});
