import type { Response, Test } from 'supertest';
import { PurgeTask } from '../../src/housekeeping/purge.task';
import { ResetCodeFailure } from '../../src/limits/per-address/reset-code-failure.entity';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import {
  login,
  newEmail,
  OTHER_STRONG_PASSWORD,
  registerUser,
  THIRD_STRONG_PASSWORD,
} from '../support/factories';
import { extractResetToken, ReceivedMail } from '../support/smtp-test-server';
import { useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const INVALID_CODE = {
  statusCode: 400,
  error: 'Bad Request',
  code: 'INVALID_RESET_CODE',
  message: 'This code is wrong or no longer works. Check it, or ask for a new email.',
};
/** Two client networks (different /24s). */
const ATTACKER = '203.0.113.7';
const OWNER = '198.51.100.20';

/** The code in a reset email's text part, as shown there (`1234 5678`). */
function extractResetCode(mail: ReceivedMail): string {
  const match = /\b(\d{4} \d{4})\b/.exec(mail.parsed.text ?? '');
  if (!match) throw new Error('No reset code in the text part');
  return match[1];
}

/** Another code than `code`, in the same form. */
function wrongCode(code: string): string {
  const digits = code.replace(' ', '');
  return String((Number(digits) + 1) % 100_000_000).padStart(8, '0');
}

describe.each(databaseKinds())('Reset by a one-time code (%s)', (kind) => {
  const ctx = useTestApp(kind, {
    RESET_CODE_ENABLED: 'true',
    // One trusted proxy hop: the client is the address in X-Forwarded-For.
    TRUST_PROXY: '1',
  });

  /** Asks for a reset and returns the link's token and the code from the email that arrives. */
  async function requestReset(email: string, count = 1): Promise<{ token: string; code: string }> {
    await ctx.app.http().post('/auth/forgot-password').send({ email }).expect(202);
    const mails = await ctx.smtp.waitForMail(email, count);
    return { token: extractResetToken(mails[count - 1]), code: extractResetCode(mails[count - 1]) };
  }

  function verifyCode(email: string, code: string, ip = OWNER): Test {
    return ctx.app
      .http()
      .post('/auth/reset-password/code/verify')
      .set('X-Forwarded-For', ip)
      .send({ email, code });
  }

  function resetWithCode(
    email: string,
    code: string,
    newPassword = OTHER_STRONG_PASSWORD,
    ip = OWNER,
  ): Test {
    return ctx.app
      .http()
      .post('/auth/reset-password/code')
      .set('X-Forwarded-For', ip)
      .send({ email, code, newPassword });
  }

  function tokens() {
    return ctx.app.dataSource.getRepository(PasswordResetToken);
  }

  it('should put the code in the email as 1234 5678 and reset with it, like a link, with or without the space', async () => {
    const user = await registerUser(ctx.app);
    const accessToken = await login(ctx.app, user.email, user.password);
    const { token, code } = await requestReset(user.email);
    const [mail] = await ctx.smtp.waitForMail(user.email);
    expect(String(mail.parsed.html)).toContain(code);

    const verified = await verifyCode(user.email, code).expect(200);
    const expiresAt = new Date(verified.body.expiresAt).getTime();
    // The code's own lifetime (10 minutes by default), not the link's hour.
    expect(expiresAt).toBeGreaterThan(Date.now() + 8 * 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
    // Verifying uses nothing up.
    await verifyCode(user.email, code.replace(' ', '')).expect(200);

    const reset = await resetWithCode(user.email, code.replace(' ', '')).expect(200);
    expect(reset.body).toEqual({
      message: 'Your password has been changed. Sign in with your new password.',
    });

    // Like a reset by link: sessions end, the notice is sent, the link and the code are used up.
    await ctx.app.http().get('/users/me').auth(accessToken, { type: 'bearer' }).expect(401);
    await login(ctx.app, user.email, OTHER_STRONG_PASSWORD);
    const [, notice] = await ctx.smtp.waitForMail(user.email, 2);
    expect(notice.parsed.subject).toBe('Test Product: your password was changed');
    await ctx.app.http().post('/auth/reset-password/verify').send({ token }).expect(400);
    expect((await resetWithCode(user.email, code, THIRD_STRONG_PASSWORD).expect(400)).body).toEqual(
      INVALID_CODE,
    );
  });

  it('should store the code only as an HMAC on the link row, with its own expiry and no tries yet', async () => {
    const user = await registerUser(ctx.app);
    const { code } = await requestReset(user.email);
    const row = await tokens().findOneByOrFail({ userId: user.id });

    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.codeHash).not.toContain(code.replace(' ', ''));
    expect(row.codeAttempts).toBe(0);
    expect(row.codeExpiresAt!.getTime()).toBeLessThan(row.expiresAt.getTime());
  });

  it('should answer a wrong code, a code of another account and an unknown address identically', async () => {
    const user = await registerUser(ctx.app);
    const other = await registerUser(ctx.app);
    const { code } = await requestReset(user.email);
    const { code: othersCode } = await requestReset(other.email);

    const answers: Response[] = [
      await verifyCode(user.email, wrongCode(code)),
      await verifyCode(user.email, othersCode),
      await verifyCode(newEmail('nobody'), code),
      await resetWithCode(user.email, wrongCode(code)),
      await resetWithCode(newEmail('nobody'), code),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(INVALID_CODE);
      expect(answer.headers['content-type']).toBe(answers[0].headers['content-type']);
      expect(answer.headers['content-length']).toBe(answers[0].headers['content-length']);
    }
    // Three wrong tries did not burn it.
    await verifyCode(user.email, code).expect(200);
  });

  it('should refuse an expired code while the link keeps working', async () => {
    const user = await registerUser(ctx.app);
    const { token, code } = await requestReset(user.email);
    await tokens().update({ userId: user.id }, { codeExpiresAt: new Date(Date.now() - 1000) });

    expect((await verifyCode(user.email, code).expect(400)).body).toEqual(INVALID_CODE);
    expect((await resetWithCode(user.email, code).expect(400)).body).toEqual(INVALID_CODE);
    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
  });

  it('should burn the code after five wrong tries, so the sixth fails even with the right code, while the link still works', async () => {
    const user = await registerUser(ctx.app);
    const { token, code } = await requestReset(user.email);
    for (let i = 0; i < 5; i++) await verifyCode(user.email, wrongCode(code)).expect(400);

    expect((await verifyCode(user.email, code).expect(400)).body).toEqual(INVALID_CODE);
    expect((await resetWithCode(user.email, code).expect(400)).body).toEqual(INVALID_CODE);
    await ctx.app.http().post('/auth/reset-password/verify').send({ token }).expect(200);
    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
  });

  it('should replace the code with the link: only the newest email works', async () => {
    const user = await registerUser(ctx.app);
    const first = await requestReset(user.email, 1);
    const second = await requestReset(user.email, 2);

    await verifyCode(user.email, first.code).expect(first.code === second.code ? 200 : 400);
    await verifyCode(user.email, second.code).expect(200);
  });

  it('should let exactly one of 20 concurrent submissions of the right code through', async () => {
    const user = await registerUser(ctx.app);
    const { code } = await requestReset(user.email);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => resetWithCode(user.email, code).then((answer) => answer)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(400)]);
    for (const answer of answers.filter((a) => a.status === 400)) {
      expect(answer.body).toEqual(INVALID_CODE);
    }
    await login(ctx.app, user.email, OTHER_STRONG_PASSWORD);
  });

  it('should refuse every code from a network past 10 wrong tries on an address until its window ends, and not from elsewhere', async () => {
    const user = await registerUser(ctx.app);
    await requestReset(user.email, 1);
    // Ten wrong tries from one network: the first five burn that code, the rest still count.
    for (let i = 0; i < 10; i++) await verifyCode(user.email, '00000000', ATTACKER).expect(400);
    const { code } = await requestReset(user.email, 2);

    expect((await verifyCode(user.email, code, ATTACKER).expect(400)).body).toEqual(INVALID_CODE);
    expect((await resetWithCode(user.email, code, undefined, ATTACKER).expect(400)).body).toEqual(
      INVALID_CODE,
    );
    // The locked network's refusals used up none of the code's five tries.
    await verifyCode(user.email, code, OWNER).expect(200);

    // Fifteen minutes later the window is over.
    const failures = ctx.app.dataSource.getRepository(ResetCodeFailure);
    for (const row of await failures.find()) {
      await failures.update(
        { keyHash: row.keyHash },
        { windowStartedAt: new Date(row.windowStartedAt.getTime() - 15 * 60_000) },
      );
    }
    await verifyCode(user.email, code, ATTACKER).expect(200);
  });

  it('should count wrong tries for an unknown address per network too', async () => {
    const unknown = newEmail('nobody');
    for (let i = 0; i < 10; i++) await verifyCode(unknown, '12345678', ATTACKER).expect(400);
    const failures = ctx.app.dataSource.getRepository(ResetCodeFailure);
    expect(await failures.count()).toBeGreaterThan(0);
  });

  it('should purge wrong-code counts once their window has ended, and keep the others', async () => {
    const unknown = newEmail('nobody');
    await verifyCode(unknown, '12345678', ATTACKER).expect(400);
    const failures = ctx.app.dataSource.getRepository(ResetCodeFailure);
    const before = await failures.count();

    const purged = await ctx.app.app.get(PurgeTask).purge(new Date(Date.now() + 15 * 60_000 + 1));

    expect(purged.resetCodeFailures).toBe(before);
    expect(await failures.count()).toBe(0);
  });

  it('should refuse a code that is not 8 digits before looking anything up', async () => {
    const user = await registerUser(ctx.app);
    const answer = await verifyCode(user.email, '1234-5678').expect(400);
    expect(answer.body.message).toEqual(['code must be 8 digits, such as 1234 5678']);
  });
});

describe.each(databaseKinds())('Reset codes off (the default) (%s)', (kind) => {
  const ctx = useTestApp(kind);

  it('should send no code and refuse every code', async () => {
    const user = await registerUser(ctx.app);
    await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    const [mail] = await ctx.smtp.waitForMail(user.email);
    expect(mail.parsed.text).not.toMatch(/\b\d{4} \d{4}\b/);

    const answer = await ctx.app
      .http()
      .post('/auth/reset-password/code/verify')
      .send({ email: user.email, code: '1234 5678' })
      .expect(400);
    expect(answer.body).toEqual(INVALID_CODE);
  });
});
