import type { Response } from 'supertest';
import { newEmail, registerUser } from '../support/factories';
import { TestContext, useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const DAILY_LIMIT = 5;
const DAILY_LIMIT_PER_ADDRESS = 20;
/** Two client networks (different /24s) and a neighbour inside the first one. */
const ATTACKER = '203.0.113.7';
const ATTACKER_NEIGHBOUR = '203.0.113.200';
const OWNER = '198.51.100.20';

/** A client in the n-th of many /24 networks. */
function network(n: number): string {
  return `10.${Math.floor(n / 250)}.${n % 250}.1`;
}

/** How long to keep listening for mail that should not come. */
const SETTLE_MS = 1_500;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** What a client sees of a forgot-password answer. */
function seen(answer: Response): unknown {
  // Date is the one header that changes with the clock alone.
  const headers = { ...(answer.headers as Record<string, string>), date: undefined };
  return { status: answer.status, body: answer.body as unknown, headers };
}

function forgotFrom(ctx: TestContext, ip: string, email: string): Promise<Response> {
  return ctx.app
    .http()
    .post('/auth/forgot-password')
    .set('X-Forwarded-For', ip)
    .send({ email })
    .expect(202);
}

/** Rows of the reset email counts and of throttled requests, for comparing two addresses' traces. */
async function traces(ctx: TestContext): Promise<{ counts: number; throttled: number }> {
  const [[counts], [throttled]] = await Promise.all([
    ctx.app.dataSource.query<{ n: number | string }[]>(
      'SELECT count(*) AS n FROM reset_email_cooldowns',
    ),
    ctx.app.dataSource.query<{ n: number | string }[]>(
      "SELECT count(*) AS n FROM account_email_queue WHERE status = 'throttled'",
    ),
  ]);
  return { counts: Number(counts.n), throttled: Number(throttled.n) };
}

describe.each(databaseKinds())('Reset emails others cannot use up (%s)', (kind) => {
  describe('daily limits per network and per address', () => {
    const ctx = useTestApp(kind, {
      // One trusted proxy hop: the client is the address in X-Forwarded-For.
      TRUST_PROXY: '1',
      // No cooldown, so a test need not wait a minute between requests from one network.
      RESET_EMAIL_COOLDOWN_SECONDS: '0',
      RESET_EMAIL_DAILY_LIMIT: String(DAILY_LIMIT),
      RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: String(DAILY_LIMIT_PER_ADDRESS),
    });

    it("should email the owner who asks from their own network after another network used up its day's emails", async () => {
      const user = await registerUser(ctx.app);
      const answers: Response[] = [];
      for (let i = 0; i < DAILY_LIMIT + 2; i++) {
        answers.push(await forgotFrom(ctx, i % 2 ? ATTACKER : ATTACKER_NEIGHBOUR, user.email));
      }
      await ctx.smtp.waitForMail(user.email, DAILY_LIMIT);

      answers.push(await forgotFrom(ctx, OWNER, user.email));

      await ctx.smtp.waitForMail(user.email, DAILY_LIMIT + 1);
      await settle();
      expect(ctx.smtp.mailTo(user.email)).toHaveLength(DAILY_LIMIT + 1);
      for (const answer of answers) expect(seen(answer)).toEqual(seen(answers[0]));
    });

    it('should send an address at most RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS emails a day from all networks together', async () => {
      const user = await registerUser(ctx.app);
      for (let n = 0; n < DAILY_LIMIT_PER_ADDRESS + 5; n++) {
        await forgotFrom(ctx, network(n), user.email);
      }
      await forgotFrom(ctx, OWNER, user.email);

      await ctx.smtp.waitForMail(user.email, DAILY_LIMIT_PER_ADDRESS);
      await settle();
      expect(ctx.smtp.mailTo(user.email)).toHaveLength(DAILY_LIMIT_PER_ADDRESS);
    });

    it('should count an address without an account exactly as one with an account', async () => {
      const user = await registerUser(ctx.app);
      const unknown = newEmail('nobody');
      /** The same requests for `email`: what they answered and what they left behind. */
      const clients = [
        ...Array<string>(DAILY_LIMIT + 2).fill(ATTACKER),
        OWNER,
        ...Array.from({ length: DAILY_LIMIT_PER_ADDRESS }, (_, n) => network(n)),
      ];
      const trace = async (email: string) => {
        const before = await traces(ctx);
        const answers: unknown[] = [];
        for (const ip of clients) answers.push(seen(await forgotFrom(ctx, ip, email)));
        const after = await traces(ctx);
        return {
          answers,
          counts: after.counts - before.counts,
          throttled: after.throttled - before.throttled,
        };
      };

      const known = await trace(user.email);
      const other = await trace(unknown);

      expect(other).toEqual(known);
      // The address's cap sent 20; the attacker's network's two past its own limit and the last
      // networks' past the address's were throttled.
      expect(known.throttled).toBe(clients.length - DAILY_LIMIT_PER_ADDRESS);
      await ctx.smtp.waitForMail(user.email, DAILY_LIMIT_PER_ADDRESS);
    });
  });

  describe('cooldown per network', () => {
    const ctx = useTestApp(kind, {
      TRUST_PROXY: '1',
      RESET_EMAIL_COOLDOWN_SECONDS: '60',
      RESET_EMAIL_DAILY_LIMIT: String(DAILY_LIMIT),
    });

    it("should not let another network's request start the owner's cooldown", async () => {
      const user = await registerUser(ctx.app);
      await forgotFrom(ctx, ATTACKER, user.email);
      await forgotFrom(ctx, ATTACKER_NEIGHBOUR, user.email);
      await ctx.smtp.waitForMail(user.email, 1);

      await forgotFrom(ctx, OWNER, user.email);

      await ctx.smtp.waitForMail(user.email, 2);
      await settle();
      expect(ctx.smtp.mailTo(user.email)).toHaveLength(2);
    });
  });
});
