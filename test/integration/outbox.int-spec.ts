import { UnitOfWork } from '../../src/database/unit-of-work';
import { PasswordResetService } from '../../src/reset/password-reset.service';
import { EmailQueuePoller } from '../../src/email-queue/email-queue.poller';
import { PURGE_INTERVAL_MS, PurgeTask } from '../../src/housekeeping/purge.task';
import { ClaimedEmail, EmailQueueService } from '../../src/email-queue/email-queue.service';
import { QueuedEmail, EmailKind, EmailStatus } from '../../src/email-queue/queued-email.entity';
import { LoginFailure } from '../../src/limits/per-address/login-failure.entity';
import { LoginLockoutService } from '../../src/limits/per-address/login-lockout.service';
import { ResetEmailCooldown } from '../../src/limits/per-address/reset-email-cooldown.entity';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { ResetTokensService } from '../../src/tokens/reset-tokens.service';
import { UserAccount } from '../../src/accounts/user-account.entity';
import { UserAccountsService } from '../../src/accounts/user-accounts.service';
import { newEmail } from '../support/factories';
import { ModuleHost, startModuleHost } from './support/module-host';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

const HOUR = 3_600_000;

describe.each(databaseKinds())(`${EmailQueueService.name} (%s)`, (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;
  let outbox: EmailQueueService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // The poller and listeners would claim rows under the test's feet: give them nothing to do soon.
    app = await startModuleHost({
      database,
      options: {
        delivery: { pollIntervalSeconds: 3600, claimTimeoutSeconds: 60 },
        // The cooldown and the per-address cap on (the test default is off), so requests are counted
        // against both.
        limits: { resetEmailCooldownSeconds: 60, resetEmailDailyLimitPerAddress: 20 },
      },
    });
    outbox = app.app.get(EmailQueueService);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await app.dataSource.getRepository(QueuedEmail).clear();
  });

  const repo = () => app.dataSource.getRepository(QueuedEmail);
  // Rows recorded a second in the future are not due for the poller; tests pass their own `now`.
  const record = (
    status: EmailStatus.Pending | EmailStatus.Throttled = EmailStatus.Pending,
    at = new Date(Date.now() + 1000),
  ) => outbox.record(EmailKind.PasswordReset, newEmail(), status, at);

  it('should record a pending row with no token or link in it', async () => {
    const at = new Date(Date.now() + 1000);
    const id = await record(EmailStatus.Pending, at);
    const row = await repo().findOneByOrFail({ id });
    expect(row).toMatchObject({
      status: EmailStatus.Pending,
      attempts: 0,
      lastError: null,
      processedAt: null,
    });
    expect(row.nextAttemptAt.toISOString()).toBe(at.toISOString());
    expect(Object.keys(row).sort()).toEqual(
      [
        'attempts',
        'claimId',
        'claimedUntil',
        'createdAt',
        'email',
        'id',
        'kind',
        'lastError',
        'locale',
        'nextAttemptAt',
        'processedAt',
        'status',
        'timeZone',
      ].sort(),
    );
  });

  it('should record several requests in one statement, in order, each with its own id and status', async () => {
    const at = new Date(Date.now() + 1000);
    const addresses = [newEmail(), newEmail(), newEmail()];
    const ids = await app.dataSource.transaction((manager) =>
      outbox.recordMany(
        [
          {
            kind: EmailKind.PasswordReset,
            email: addresses[0],
            status: EmailStatus.Pending,
            now: at,
          },
          {
            kind: EmailKind.PasswordReset,
            email: addresses[1],
            status: EmailStatus.Throttled,
            now: at,
          },
          {
            kind: EmailKind.PasswordChanged,
            email: addresses[2],
            status: EmailStatus.Pending,
            now: at,
          },
        ],
        manager,
      ),
    );

    expect(new Set(ids).size).toBe(3);
    const rows = await Promise.all(ids.map((id) => repo().findOneByOrFail({ id })));
    expect(rows.map(({ kind, email, status }) => [kind, email, status])).toEqual([
      [EmailKind.PasswordReset, addresses[0], EmailStatus.Pending],
      // A throttled row keeps no address and is settled at once.
      [EmailKind.PasswordReset, '', EmailStatus.Throttled],
      [EmailKind.PasswordChanged, addresses[2], EmailStatus.Pending],
    ]);
    expect(rows[1].processedAt?.toISOString()).toBe(at.toISOString());
    expect(rows.map((row) => row.nextAttemptAt.toISOString())).toEqual(
      Array(3).fill(at.toISOString()),
    );
  });

  it('should write forgot-password requests made together in one transaction, the cooldown applied in order', async () => {
    const unitOfWork = app.app.get(UnitOfWork);
    const transaction = jest.spyOn(unitOfWork, 'transaction');
    const resets = app.app.get(PasswordResetService);
    const repeated = newEmail();
    const others = Array.from({ length: 18 }, () => newEmail());
    try {
      // Twice the same address from one network (the cooldown lets one through) and 18 others, all
      // at once.
      await Promise.all(
        [repeated, ...others, repeated].map((email) => resets.requestReset(email, '203.0.113.7')),
      );
      expect(transaction).toHaveBeenCalledTimes(1);
    } finally {
      transaction.mockRestore();
    }

    // One row each; the second request for the repeated address throttled (its address blanked).
    // The others are waiting or, with no account behind them, already settled and blanked too.
    const rows = await repo().find();
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((row) => row.id)).size).toBe(20);
    expect(rows.filter((row) => row.status === EmailStatus.Throttled)).toHaveLength(1);
    expect(rows.every((row) => row.kind === EmailKind.PasswordReset)).toBe(true);
  });

  it("should find an address's live requests through the partial index by address when withdrawing them", async () => {
    const query = jest.spyOn(app.dataSource.manager, 'query');
    let statement: string;
    let parameters: unknown[];
    try {
      await outbox.cancelResets(newEmail());
      [statement, parameters] = query.mock.calls[0] as [string, unknown[]];
    } finally {
      query.mockRestore();
    }
    // The plan for the very statement sent. PostgreSQL would scan a table this small from end to
    // end, so it is told not to: the point is that the index can serve this statement at all (a
    // partial index is used only when the statement's own text implies its condition).
    const plan: unknown =
      kind === 'postgres'
        ? await app.dataSource.transaction(async (manager) => {
            await manager.query('SET LOCAL enable_seqscan = off');
            return manager.query<unknown[]>(`EXPLAIN ${statement}`, parameters);
          })
        : await app.dataSource.query(`EXPLAIN QUERY PLAN ${statement}`, parameters);
    expect(statement).toMatch(/^UPDATE /);
    expect(JSON.stringify(plan)).toContain('idx_account_email_queue_live_email');
  });

  it('should let only one of two claims of a row succeed', async () => {
    const id = await record();
    const now = new Date(Date.now() + 2000);
    const [a, b] = await Promise.all([outbox.claimDue(10, now), outbox.claimDue(10, now)]);
    expect([...a, ...b].map((claimed) => claimed.id)).toEqual([id]);
    const row = await repo().findOneByOrFail({ id });
    expect(row.status).toBe(EmailStatus.Processing);
    expect(row.attempts).toBe(1);
    expect(row.claimId).toBe([...a, ...b][0].claimId);
  });

  it('should not claim rows that are not due, settled or throttled', async () => {
    const notDue = await record(EmailStatus.Pending, new Date(Date.now() + HOUR));
    const throttled = await record(EmailStatus.Throttled);
    const claimed = await outbox.claimDue(10, new Date(Date.now() + 2000));
    expect(claimed.map((r) => r.id)).not.toContain(notDue);
    expect(claimed.map((r) => r.id)).not.toContain(throttled);
  });

  it('should claim again a row whose claim ran out (its instance died), but not one still held', async () => {
    const id = await record();
    const t0 = new Date(Date.now() + 2000);
    expect(await outbox.claimDue(10, t0)).toHaveLength(1);
    expect(await outbox.claimDue(10, new Date(t0.getTime() + 30_000))).toHaveLength(0);
    const reclaimed = await outbox.claimDue(10, new Date(t0.getTime() + 61_000));
    expect(reclaimed.map((r) => r.id)).toEqual([id]);
    expect(reclaimed[0].attempts).toBe(2);
  });

  it("should record the reader's language and time zone and hand them to the claim", async () => {
    const at = new Date(Date.now() + 1000);
    const [german, unknown] = await app.dataSource.transaction((manager) =>
      outbox.recordMany(
        [
          {
            kind: EmailKind.PasswordChanged,
            email: newEmail(),
            status: EmailStatus.Pending,
            now: at,
            locale: 'de-AT',
            timeZone: 'Europe/Vienna',
          },
          {
            kind: EmailKind.PasswordReset,
            email: newEmail(),
            status: EmailStatus.Pending,
            now: at,
          },
        ],
        manager,
      ),
    );

    const claimed = await outbox.claimDue(10, new Date(at.getTime() + 1000));

    const byId = new Map(claimed.map((row) => [row.id, row]));
    expect(byId.get(german)).toMatchObject({ locale: 'de-AT', timeZone: 'Europe/Vienna' });
    expect(byId.get(unknown)).toMatchObject({ locale: null, timeZone: null });
  });

  it('should hand each of 30 due rows to exactly one of 6 concurrent claimers', async () => {
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await record());
    const now = new Date(Date.now() + 2000);
    const batches = await Promise.all(Array.from({ length: 6 }, () => outbox.claimDue(7, now)));
    const claimed = batches.flat().map((r) => r.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    // Six claimers of 7 can take at most 42; all 30 are taken, none twice.
    expect(claimed.sort()).toEqual([...ids].sort());
  });

  it('should settle rows: retry, done, failed, and count pending and failed', async () => {
    const [retry, done, failed] = [await record(), await record(), await record()];
    const now = new Date(Date.now() + 2000);
    const claimed = new Map((await outbox.claimDue(10, now)).map((row) => [row.id, row]));
    const held = (id: string): ClaimedEmail => claimed.get(id)!;
    await outbox.markRetry(
      held(retry),
      'Error: connect ECONNREFUSED',
      new Date(now.getTime() + 5000),
    );
    await outbox.markDone(held(done), now);
    await outbox.markFailed(held(failed), 'Error: gave up', now);

    expect(await repo().findOneByOrFail({ id: retry })).toMatchObject({
      status: 'pending',
      lastError: 'Error: connect ECONNREFUSED',
    });
    expect(await repo().findOneByOrFail({ id: done })).toMatchObject({
      status: 'done',
      lastError: null,
    });
    expect(await repo().findOneByOrFail({ id: failed })).toMatchObject({
      status: 'failed',
      lastError: 'Error: gave up',
    });
    expect(await outbox.counts()).toEqual({ pending: 1, failed: 1 });
    // A settled row is not settled again by a late instance.
    expect(await outbox.markRetry(held(done), 'late', now)).toBe(false);
    expect((await repo().findOneByOrFail({ id: done })).status).toBe('done');
  });

  it('should not let a worker whose claim was taken over settle the row', async () => {
    const id = await record();
    const t0 = new Date(Date.now() + 2000);
    const [stale] = await outbox.claimDue(10, t0);
    // The first worker stalls past its claim; a second one takes the row over.
    const [current] = await outbox.claimDue(10, new Date(t0.getTime() + 61_000));
    expect(current.id).toBe(id);
    expect(current.claimId).not.toBe(stale.claimId);

    expect(await outbox.markDone(stale, t0)).toBe(false);
    expect(await outbox.markRetry(stale, 'late', t0)).toBe(false);
    expect(await outbox.markFailed(stale, 'late', t0)).toBe(false);
    expect(await outbox.renewClaim(stale, t0)).toBeNull();
    expect(await outbox.release([stale])).toBe(0);
    expect(await repo().findOneByOrFail({ id })).toMatchObject({
      status: EmailStatus.Processing,
      claimId: current.claimId,
      attempts: 2,
    });

    expect(await outbox.markDone(current, t0)).toBe(true);
    expect((await repo().findOneByOrFail({ id })).status).toBe(EmailStatus.Done);
  });

  it('should give a renewed claim a new fencing id, after which only it settles the row', async () => {
    await record();
    const now = new Date(Date.now() + 2000);
    const [batch] = await outbox.claimDue(10, now);

    const renewed = await outbox.renewClaim(batch, now);

    expect(renewed?.claimId).toBeDefined();
    expect(renewed?.claimId).not.toBe(batch.claimId);
    expect(await outbox.markDone(batch, now)).toBe(false);
    expect(await outbox.markDone(renewed!, now)).toBe(true);
  });

  it('should hand released rows back as due, the attempt not counted', async () => {
    const id = await record();
    const now = new Date(Date.now() + 2000);
    const claimed = await outbox.claimDue(10, now);

    expect(await outbox.release(claimed)).toBe(1);

    expect(await repo().findOneByOrFail({ id })).toMatchObject({
      status: EmailStatus.Pending,
      attempts: 0,
      claimId: null,
    });
    expect(await outbox.claimDue(10, now)).toHaveLength(1);
  });

  it('should blank the address of requests settled for lack of an account', async () => {
    const known = await record();
    const unknown = await record();
    const now = new Date(Date.now() + 2000);
    const claimed = await outbox.claimDue(10, now);

    await outbox.markNoAccount(
      claimed.filter((row) => row.id === unknown),
      now,
    );

    expect(await repo().findOneByOrFail({ id: unknown })).toMatchObject({
      status: EmailStatus.Done,
      email: '',
    });
    expect((await repo().findOneByOrFail({ id: known })).email).toContain('@');
  });

  it('should keep no address in a request turned away by the cooldown', async () => {
    const id = await record(EmailStatus.Throttled);

    expect(await repo().findOneByOrFail({ id })).toMatchObject({
      status: EmailStatus.Throttled,
      email: '',
    });
  });

  it('should never store an address in last_error', async () => {
    await record();
    const now = new Date(Date.now() + 2000);
    const [held] = await outbox.claimDue(10, now);

    await outbox.markRetry(
      held,
      'Error: 550 5.1.1 <bob.smith+x@example.com>: Recipient address rejected',
      now,
    );

    const { lastError } = await repo().findOneByOrFail({ id: held.id });
    expect(lastError).toBe('Error: 550 5.1.1 <[address]>: Recipient address rejected');
  });
});

describe.each(databaseKinds())(`${PurgeTask.name} (%s)`, (kind) => {
  let database: TestDatabase;
  let app: ModuleHost;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startModuleHost({
      database,
      options: { delivery: { pollIntervalSeconds: 3600, purgeAfterHours: 24 } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('should remove settled requests older than delivery.purgeAfterHours and expired tokens, and nothing else', async () => {
    const outbox = app.app.get(EmailQueueService);
    const requests = app.dataSource.getRepository(QueuedEmail);
    const tokens = app.app.get(ResetTokensService);
    const now = new Date(Date.now() + 10 * HOUR);
    const old = new Date(now.getTime() - 25 * HOUR);
    const recent = new Date(now.getTime() - 23 * HOUR);

    const settle = async (status: EmailStatus, processedAt: Date) => {
      const id = await outbox.record(
        EmailKind.PasswordReset,
        newEmail(),
        EmailStatus.Pending,
        processedAt,
      );
      await requests.update({ id }, { status, processedAt });
      return id;
    };
    const oldDone = await settle(EmailStatus.Done, old);
    const oldFailed = await settle(EmailStatus.Failed, old);
    const oldThrottled = await settle(EmailStatus.Throttled, old);
    const recentDone = await settle(EmailStatus.Done, recent);
    const oldPending = await outbox.record(
      EmailKind.PasswordReset,
      newEmail(),
      EmailStatus.Pending,
      old,
    );

    const users = app.app.get(UserAccountsService);
    const expiredOwner = await users.create(newEmail(), 'hash');
    const liveOwner = await users.create(newEmail(), 'hash');
    await tokens.issue(expiredOwner.id, new Date(now.getTime() - 2 * HOUR));
    const live = await tokens.issue(liveOwner.id, new Date(now.getTime() - 10 * 60_000));

    const result = await app.app.get(PurgeTask).purge(now);

    expect(result.requests).toBe(3);
    expect(result.tokens).toBe(1);
    const left = (await requests.find()).map((r) => r.id).sort();
    expect(left).toEqual([recentDone, oldPending].sort());
    expect(left).not.toEqual(expect.arrayContaining([oldDone, oldFailed, oldThrottled]));
    const tokenRows = await app.dataSource.getRepository(PasswordResetToken).find();
    expect(tokenRows.map((t) => t.userId)).toEqual([liveOwner.id]);
    expect(await tokens.findLive(live.token, new Date(now.getTime() - 60_000))).not.toBeNull();
    expect(await app.dataSource.getRepository(UserAccount).countBy({})).toBeGreaterThanOrEqual(2);
  });

  it('should schedule the purge hourly and the poll, without a scheduler module', () => {
    expect(PURGE_INTERVAL_MS).toBe(3_600_000);
    expect(app.app.get(PurgeTask).scheduled).toBe(true);
    expect(app.app.get(EmailQueuePoller).scheduled).toBe(true);
  });

  it('should purge and log what it removed when the schedule fires', async () => {
    const outbox = app.app.get(EmailQueueService);
    const requests = app.dataSource.getRepository(QueuedEmail);
    const id = await outbox.record(EmailKind.PasswordReset, newEmail(), EmailStatus.Pending);
    await requests.update(
      { id },
      { status: EmailStatus.Done, processedAt: new Date(Date.now() - 25 * HOUR) },
    );

    await app.app.get(PurgeTask).runScheduled();

    expect(await requests.countBy({ id })).toBe(0);
    expect(app.logger.text()).toMatch(/Purged \d+ settled requests/);
  });

  it('should remove run-out cooldowns and login-failure counts but keep running ones', async () => {
    const lockout = app.app.get(LoginLockoutService);
    const now = new Date();
    const cooldowns = app.dataSource.getRepository(ResetEmailCooldown);
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await cooldowns.insert([
      // Cooldown and day both over: gone.
      {
        keyHash: 'a'.repeat(64),
        cooldownUntil: ago(1000),
        dayStartedAt: ago(25 * HOUR),
        dayCount: 5,
      },
      // Cooldown running: kept.
      { keyHash: 'b'.repeat(64), cooldownUntil: ago(-60_000), dayStartedAt: ago(0), dayCount: 1 },
      // Cooldown over but the day's cap still counts: kept.
      { keyHash: 'c'.repeat(64), cooldownUntil: ago(1000), dayStartedAt: ago(HOUR), dayCount: 5 },
    ]);
    // Each attempt counts per address and per address and network: two rows each.
    await lockout.attempt('stale@example.com', '203.0.113.7', ago(2 * HOUR));
    await lockout.attempt('fresh@example.com', '203.0.113.7', now);

    const result = await app.app.get(PurgeTask).purge(now);

    expect(result.cooldowns).toBe(1);
    expect(result.loginFailures).toBe(2);
    expect((await cooldowns.find()).map((c) => c.keyHash).sort()).toEqual([
      'b'.repeat(64),
      'c'.repeat(64),
    ]);
    expect(await app.dataSource.getRepository(LoginFailure).count()).toBe(2);
  });
});
