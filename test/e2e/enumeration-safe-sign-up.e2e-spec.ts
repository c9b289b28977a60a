import type { Response, Test } from 'supertest';
import {
  login,
  newEmail,
  OTHER_STRONG_PASSWORD,
  registerUser,
  STRONG_PASSWORD,
} from '../support/factories';
import { FRONTEND_URL, TestContext, useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const SIGN_IN_URL = 'https://app.test.example/login';
/** Two client networks (different /24s) and a neighbour inside the first one. */
const ATTACKER = '203.0.113.7';
const ATTACKER_NEIGHBOUR = '203.0.113.200';
const OWNER = '198.51.100.20';

/** How long to keep listening for mail that should not come. */
const SETTLE_MS = 1_500;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** What a client sees of an answer: everything but the headers that change with the clock alone. */
function seen(answer: Response): unknown {
  const headers = { ...(answer.headers as Record<string, string>), date: undefined };
  return { status: answer.status, body: answer.body as unknown, headers };
}

function signUp(
  ctx: TestContext,
  body: Record<string, unknown>,
  ip = ATTACKER,
  language?: string,
): Test {
  const request = ctx.app.http().post('/auth/register').set('X-Forwarded-For', ip);
  return (language ? request.set('Accept-Language', language) : request).send(body);
}

describe.each(databaseKinds())('Enumeration-safe sign-up (%s)', (kind) => {
  describe('REGISTRATION_MODE=enumeration-safe', () => {
    const ctx = useTestApp(kind, {
      REGISTRATION_MODE: 'enumeration-safe',
      SIGN_IN_URL,
      // One trusted proxy hop: the client is the address in X-Forwarded-For.
      TRUST_PROXY: '1',
      RESET_EMAIL_COOLDOWN_SECONDS: '60',
      RESET_EMAIL_DAILY_LIMIT: '5',
    });

    it('should answer a new and a taken address with the same 202, headers and body', async () => {
      const owner = newEmail('owner');
      await signUp(ctx, { email: owner, password: STRONG_PASSWORD }, OWNER).expect(202);

      const fresh = await signUp(ctx, {
        email: newEmail('fresh'),
        password: OTHER_STRONG_PASSWORD,
      });
      const taken = await signUp(ctx, { email: owner, password: OTHER_STRONG_PASSWORD });

      expect(fresh.status).toBe(202);
      expect(seen(taken)).toEqual(seen(fresh));
      expect(fresh.body).toEqual({ message: expect.stringMatching(/check your email/i) });
    });

    it('should give a new address its account, with its language and time zone, and let it log in', async () => {
      const email = newEmail('new');

      await signUp(
        ctx,
        { email, password: STRONG_PASSWORD, timeZone: 'Europe/Paris' },
        OWNER,
        'fr-CH, fr;q=0.9',
      ).expect(202);

      const token = await login(ctx.app, email, STRONG_PASSWORD);
      const me = await ctx.app
        .http()
        .get('/users/me')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(me.body).toMatchObject({ email, locale: 'fr', timeZone: 'Europe/Paris' });
    });

    it('should not let a sign-up with a taken address change its password', async () => {
      const email = newEmail('kept');
      await signUp(ctx, { email, password: STRONG_PASSWORD }, OWNER).expect(202);

      await signUp(ctx, { email, password: OTHER_STRONG_PASSWORD }).expect(202);

      await login(ctx.app, email, STRONG_PASSWORD);
      await ctx.app
        .http()
        .post('/auth/login')
        .send({ email, password: OTHER_STRONG_PASSWORD })
        .expect(401);
    });

    it("should email the owner of a taken address, in the owner's language, how to sign in or reset", async () => {
      const email = newEmail('german');
      await signUp(ctx, { email, password: STRONG_PASSWORD, locale: 'de' }, OWNER).expect(202);

      // Asked in English: the owner's stored language wins.
      await signUp(ctx, { email, password: OTHER_STRONG_PASSWORD }, ATTACKER, 'en').expect(202);

      const [mail] = await ctx.smtp.waitForMail(email);
      const { parsed } = mail;
      expect(parsed.headers.get('content-language')).toBe('de');
      expect(parsed.subject).toMatch(/Registrierung/);
      expect(parsed.text).toContain(SIGN_IN_URL);
      expect(parsed.text).toContain(`${FRONTEND_URL}/reset-password?lang=de`);
      expect(String(parsed.html)).toContain(`href="${SIGN_IN_URL}"`);
      for (const part of [parsed.subject, parsed.html, parsed.text]) {
        expect(part).not.toMatch(/\{\{|\}\}|undefined/);
      }
    });

    it('should email nobody for a new address', async () => {
      const email = newEmail('quiet');

      await signUp(ctx, { email, password: STRONG_PASSWORD }, OWNER).expect(202);

      await settle();
      expect(ctx.smtp.mailTo(email)).toHaveLength(0);
    });

    it('should send one email for repeated attempts from one network within the cooldown, as for reset emails', async () => {
      const email = newEmail('capped');
      await signUp(ctx, { email, password: STRONG_PASSWORD }, OWNER).expect(202);

      const answers: Response[] = [];
      for (const ip of [ATTACKER, ATTACKER_NEIGHBOUR, ATTACKER]) {
        answers.push(await signUp(ctx, { email, password: OTHER_STRONG_PASSWORD }, ip));
      }
      await ctx.smtp.waitForMail(email);
      await settle();
      expect(ctx.smtp.mailTo(email)).toHaveLength(1);
      for (const answer of answers) expect(seen(answer)).toEqual(seen(answers[0]));

      // Another network has its own count.
      await signUp(ctx, { email, password: OTHER_STRONG_PASSWORD }, OWNER).expect(202);
      await ctx.smtp.waitForMail(email, 2);
    });

    it('should refuse a weak password with the same 400 for a new and a taken address', async () => {
      const taken = newEmail('weak');
      await signUp(ctx, { email: taken, password: STRONG_PASSWORD }, OWNER).expect(202);
      const fresh = newEmail('weak');
      // The address is a hint to zxcvbn: the same local part gives both the same verdict.
      const sameLocal = `${taken.split('@')[0]}@example.org`;

      const forTaken = await signUp(ctx, { email: taken, password: 'password123' });
      const forNew = await signUp(ctx, { email: sameLocal, password: 'password123' });

      expect(forTaken.status).toBe(400);
      expect(forTaken.body).toMatchObject({ code: 'WEAK_PASSWORD' });
      expect(forNew.body).toEqual(forTaken.body);
      await signUp(ctx, { email: fresh, password: 'password123' }).expect(400);
      await settle();
      expect(ctx.smtp.mailTo(taken)).toHaveLength(0);
    });
  });

  describe('REGISTRATION_MODE=open (the default)', () => {
    const ctx = useTestApp(kind);

    it('should answer 201 with the account for a new address and 409 for a taken one', async () => {
      const user = await registerUser(ctx.app);

      const taken = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: user.email, password: OTHER_STRONG_PASSWORD })
        .expect(409);

      expect(taken.body.code).toBe('EMAIL_TAKEN');
      await settle();
      expect(ctx.smtp.mailTo(user.email)).toHaveLength(0);
    });
  });
});
