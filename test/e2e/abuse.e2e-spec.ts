import { createHash } from 'node:crypto';
import type { Response, Test } from 'supertest';
import { login, newEmail, OTHER_STRONG_PASSWORD, registerUser } from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const WRONG_PASSWORD = 'not the password at all, sorry';
/** Two client networks (different /24s) and a neighbour inside the first one. */
const ATTACKER = '203.0.113.7';
const ATTACKER_NEIGHBOUR = '203.0.113.200';
const OWNER = '198.51.100.20';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe.each(databaseKinds())('Abuse of one account by others (%s)', (kind) => {
  const MAX_FAILURES = 3;
  const MAX_FAILURES_PER_ADDRESS = 8;
  const ctx = useTestApp(kind, {
    // One trusted proxy hop: the client is the address in X-Forwarded-For.
    TRUST_PROXY: '1',
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_MAX_FAILURES_PER_ADDRESS: String(MAX_FAILURES_PER_ADDRESS),
    CHANGE_PASSWORD_LIMIT: '100',
  });

  function loginFrom(ip: string, email: string, password: string): Test {
    return ctx.app.http().post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  }

  async function failFrom(ip: string, email: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) await loginFrom(ip, email, WRONG_PASSWORD).expect(401);
  }

  describe('login lock per address and client network', () => {
    it("should keep the owner's network open while an attacker's network is locked out", async () => {
      const user = await registerUser(ctx.app);
      await failFrom(ATTACKER, user.email, MAX_FAILURES);

      await loginFrom(ATTACKER, user.email, user.password).expect(401);
      await loginFrom(ATTACKER_NEIGHBOUR, user.email, user.password).expect(401);
      await loginFrom(OWNER, user.email, user.password).expect(200);
    });

    it('should treat an IPv6 /56 as one network', async () => {
      const user = await registerUser(ctx.app);
      await failFrom('2001:db8:1:200::1', user.email, MAX_FAILURES);

      // Another /64 of the same /56: one customer's allocation, the same network.
      await loginFrom('2001:db8:1:2ff:ffff::9', user.email, user.password).expect(401);
      await loginFrom('2001:db8:1:300::1', user.email, user.password).expect(200);
    });

    it('should keep the owner in from other networks however long one network keeps guessing', async () => {
      const user = await registerUser(ctx.app);
      // Ten addresses of one /24 send far more wrong passwords than the address's own limit.
      for (let n = 0; n < 3 * MAX_FAILURES_PER_ADDRESS; n++) {
        await loginFrom(`127.0.1.${(n % 10) + 1}`, user.email, WRONG_PASSWORD).expect(401);
      }

      await loginFrom(OWNER, user.email, user.password).expect(200);
      await loginFrom('192.0.2.20', user.email, user.password).expect(200);
      await loginFrom('127.0.1.77', user.email, user.password).expect(401);
    });

    it('should lock the address everywhere past LOGIN_MAX_FAILURES_PER_ADDRESS', async () => {
      const user = await registerUser(ctx.app);
      // Spread over networks, each below its own limit.
      for (let n = 0; n < MAX_FAILURES_PER_ADDRESS; n++) {
        await loginFrom(`10.${n}.0.1`, user.email, WRONG_PASSWORD).expect(401);
      }

      await loginFrom(OWNER, user.email, user.password).expect(401);
    });

    it('should lift every lock when the owner resets the password', async () => {
      const user = await registerUser(ctx.app);
      await failFrom(ATTACKER, user.email, MAX_FAILURES);
      for (let n = 0; n < MAX_FAILURES_PER_ADDRESS; n++) {
        await loginFrom(`10.${n}.9.1`, user.email, WRONG_PASSWORD).expect(401);
      }
      await loginFrom(OWNER, user.email, user.password).expect(401);

      await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      const [mail] = await ctx.smtp.waitForMail(user.email);
      await ctx.app
        .http()
        .post('/auth/reset-password')
        .send({ token: extractResetToken(mail), newPassword: OTHER_STRONG_PASSWORD })
        .expect(200);

      await loginFrom(ATTACKER, user.email, OTHER_STRONG_PASSWORD).expect(200);
      await loginFrom(OWNER, user.email, OTHER_STRONG_PASSWORD).expect(200);
    });
  });

  describe('signed-in routes', () => {
    function changePassword(token: string, ip: string, currentPassword: string): Test {
      return ctx.app
        .http()
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${token}`)
        .set('X-Forwarded-For', ip)
        .send({ currentPassword, newPassword: OTHER_STRONG_PASSWORD });
    }

    it('should count wrong current passwords of change-password as failed logins', async () => {
      const user = await registerUser(ctx.app);
      const token = await login(ctx.app, user.email, user.password);
      for (let i = 0; i < MAX_FAILURES; i++) {
        await changePassword(token, ATTACKER, WRONG_PASSWORD).expect(401);
      }

      // Locked from that network: the right password no longer helps, by login or by change.
      await loginFrom(ATTACKER, user.email, user.password).expect(401);
      await changePassword(token, ATTACKER, user.password).expect(401);
      await loginFrom(OWNER, user.email, user.password).expect(200);
    });

    it('should require the current password to delete the account, and count wrong ones', async () => {
      const user = await registerUser(ctx.app);
      const token = await login(ctx.app, user.email, user.password);
      const remove = (body: object | undefined): Test => {
        const request = ctx.app
          .http()
          .delete('/users/me')
          .set('Authorization', `Bearer ${token}`)
          .set('X-Forwarded-For', ATTACKER);
        return body === undefined ? request : request.send(body);
      };

      await remove(undefined).expect(400);
      const missing = await remove({}).expect(400);
      expect(missing.body.message).toEqual(
        expect.arrayContaining([expect.stringMatching(/password/)]),
      );
      await remove({ password: WRONG_PASSWORD }).expect(401);
      await remove({ password: WRONG_PASSWORD }).expect(401);
      await remove({ password: user.password }).expect(204);

      await loginFrom(OWNER, user.email, user.password).expect(401);
    });
  });

  describe('per-address state', () => {
    it('should key cooldowns and login counts with an HMAC, not a plain hash of the address', async () => {
      const email = newEmail('keyed');
      await ctx.app.http().post('/auth/forgot-password').send({ email }).expect(202);
      await loginFrom(ATTACKER, email, WRONG_PASSWORD).expect(401);

      const keys = [
        ...(await ctx.app.dataSource.query<{ key_hash: string }[]>(
          'SELECT key_hash FROM reset_email_cooldowns',
        )),
        ...(await ctx.app.dataSource.query<{ key_hash: string }[]>(
          'SELECT key_hash FROM login_failures',
        )),
      ].map((row) => row.key_hash);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys).not.toContain(sha256(email));
      for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});

describe.each(databaseKinds())('Inbox flooding (%s)', (kind) => {
  const ctx = useTestApp(kind, { RESET_EMAIL_COOLDOWN_SECONDS: '0', RESET_EMAIL_DAILY_LIMIT: '2' });

  it('should send at most RESET_EMAIL_DAILY_LIMIT reset emails per address per day, answering alike', async () => {
    const user = await registerUser(ctx.app);
    const answers: Response[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }));
    }

    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual(answers[0].body);
    }
    await ctx.smtp.waitForMail(user.email, 2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ctx.smtp.mailTo(user.email)).toHaveLength(2);
  });
});

describe('Inbox flooding with the daily cap off (sqlite)', () => {
  const ctx = useTestApp('sqlite', {
    RESET_EMAIL_COOLDOWN_SECONDS: '0',
    RESET_EMAIL_DAILY_LIMIT: '0',
  });

  it('should not cap reset emails when RESET_EMAIL_DAILY_LIMIT is 0', async () => {
    const user = await registerUser(ctx.app);
    for (let i = 0; i < 7; i++) {
      await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    }
    await ctx.smtp.waitForMail(user.email, 7);
  });
});
