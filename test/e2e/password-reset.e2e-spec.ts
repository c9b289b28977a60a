import { QueuedEmail, EmailKind, EmailStatus } from '../../src/email-queue/queued-email.entity';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { hashResetToken } from '../../src/tokens/reset-token';
import { UserAccount } from '../../src/accounts/user-account.entity';
import {
  login,
  newEmail,
  OTHER_STRONG_PASSWORD,
  registerUser,
  THIRD_STRONG_PASSWORD,
} from '../support/factories';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { FRONTEND_URL, useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const GENERIC_TOKEN_ERROR = 'This reset link is invalid or has expired. Request a new one.';

describe.each(databaseKinds())('Password reset over HTTP (%s)', (kind) => {
  const ctx = useTestApp(kind);

  /** Asks for a reset and returns the token from the email that arrives. */
  async function requestResetToken(email: string, expectedCount = 1): Promise<string> {
    await ctx.app.http().post('/auth/forgot-password').send({ email }).expect(202);
    const mails = await ctx.smtp.waitForMail(email, expectedCount);
    return extractResetToken(mails[expectedCount - 1]);
  }

  it('should run the whole flow: register, log in, forget, reset, log in with the new password', async () => {
    const user = await registerUser(ctx.app);
    const oldAccessToken = await login(ctx.app, user.email, user.password);
    await ctx.app.http().get('/users/me').auth(oldAccessToken, { type: 'bearer' }).expect(200);

    const token = await requestResetToken(user.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const verify = await ctx.app
      .http()
      .post('/auth/reset-password/verify')
      .send({ token })
      .expect(200);
    expect(new Date(verify.body.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const reset = await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    expect(Object.keys(reset.body)).toEqual(['message']);

    // Sessions from before the reset are over; the old password no longer works; the new one does.
    await ctx.app.http().get('/users/me').auth(oldAccessToken, { type: 'bearer' }).expect(401);
    await ctx.app
      .http()
      .post('/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(401);
    const newAccessToken = await login(ctx.app, user.email, OTHER_STRONG_PASSWORD);
    const me = await ctx.app
      .http()
      .get('/users/me')
      .auth(newAccessToken, { type: 'bearer' })
      .expect(200);
    expect(me.body).toEqual({
      id: user.id,
      email: user.email,
      createdAt: expect.any(String),
      locale: null,
      timeZone: null,
    });

    // The link works once.
    const again = await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: THIRD_STRONG_PASSWORD })
      .expect(400);
    expect(again.body.message).toBe(GENERIC_TOKEN_ERROR);
  });

  it('should send a multipart/alternative reset email whose text part holds the full link in the fragment', async () => {
    const user = await registerUser(ctx.app);
    await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    const [mail] = await ctx.smtp.waitForMail(user.email);

    expect(mail.user).toBe(SmtpTestServer.USER);
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.parsed.subject).toBe('Test Product: reset your password');
    const token = extractResetToken(mail);
    const link = `${FRONTEND_URL}/reset-password?lang=en#token=${token}`;
    expect(mail.parsed.text).toContain(link);
    // Handlebars escapes "=" in attributes as &#x3D;, which every mail client decodes back.
    expect(String(mail.parsed.html).replace(/&#x3D;/g, '=')).toContain(`href="${link}"`);
    expect(mail.parsed.html).not.toMatch(/<script|<style/i);
    // The email says when the link expires: an hour from now by default, in UTC.
    const expiresAt = new Date(Date.now() + 60 * 60_000);
    const hour = String(expiresAt.getUTCHours()).padStart(2, '0');
    expect(mail.parsed.text).toMatch(
      new RegExp(`expires on .*${expiresAt.getUTCFullYear()} at ${hour}:\\d\\d UTC`),
    );
  });

  it('should build the link from FRONTEND_URL whatever Host, X-Forwarded-Host and Forwarded say', async () => {
    const user = await registerUser(ctx.app);
    await ctx.app
      .http()
      .post('/auth/forgot-password')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'http')
      .set('Forwarded', 'host=evil.example;proto=http')
      .send({ email: user.email })
      .expect(202);
    const [mail] = await ctx.smtp.waitForMail(user.email);
    expect(mail.parsed.text).toContain(`${FRONTEND_URL}/reset-password?lang=en#token=`);
    expect(mail.raw).not.toContain('evil.example');
  });

  it('should answer forgot-password identically for known and unknown addresses, and mail only the known one', async () => {
    const user = await registerUser(ctx.app);
    const unknown = newEmail('nobody');
    const known = await ctx.app.http().post('/auth/forgot-password').send({ email: user.email });
    const missing = await ctx.app.http().post('/auth/forgot-password').send({ email: unknown });

    expect(missing.status).toBe(202);
    expect(known.status).toBe(202);
    expect(missing.body).toEqual(known.body);
    // Everything but the Date header must match.
    const headers = (h: Record<string, string>) => ({ ...h, date: undefined });
    expect(headers(missing.headers)).toEqual(headers(known.headers));

    await ctx.smtp.waitForMail(user.email);
    // Give the listener for the unknown address every chance to (wrongly) send something.
    await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
    await ctx.smtp.waitForMail(user.email, 2);
    expect(ctx.smtp.mailTo(unknown)).toHaveLength(0);
  });

  it('should keep one live link per account: a new request ends the older link', async () => {
    const user = await registerUser(ctx.app);
    const first = await requestResetToken(user.email, 1);
    const second = await requestResetToken(user.email, 2);
    expect(second).not.toBe(first);

    const stale = await ctx.app
      .http()
      .post('/auth/reset-password/verify')
      .send({ token: first })
      .expect(400);
    expect(stale.body.message).toBe(GENERIC_TOKEN_ERROR);
    await ctx.app.http().post('/auth/reset-password/verify').send({ token: second }).expect(200);
    expect(
      await ctx.app.dataSource.getRepository(PasswordResetToken).countBy({ userId: user.id }),
    ).toBe(1);
  });

  it('should keep a link requested before a login working after it', async () => {
    // Whoever knows the old password must not be able to void the owner's link by logging in.
    const user = await registerUser(ctx.app);
    const token = await requestResetToken(user.email);
    await login(ctx.app, user.email, user.password);
    await ctx.app.http().post('/auth/reset-password/verify').send({ token }).expect(200);
    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    await login(ctx.app, user.email, OTHER_STRONG_PASSWORD);
  });

  it('should refuse an expired link with the same body as an unknown one', async () => {
    const user = await registerUser(ctx.app);
    const token = await requestResetToken(user.email);
    await ctx.app.dataSource
      .getRepository(PasswordResetToken)
      .update({ tokenHash: hashResetToken(token) }, { expiresAt: new Date(Date.now() - 1000) });

    const expired = await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD });
    const unknown = await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token: 'A'.repeat(43), newPassword: OTHER_STRONG_PASSWORD });
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual(unknown.body);
    expect(expired.body.message).toBe(GENERIC_TOKEN_ERROR);
    await ctx.app.http().post('/auth/reset-password/verify').send({ token }).expect(400);
  });

  it('should refuse a weak new password with feedback and leave the link usable', async () => {
    const user = await registerUser(ctx.app, newEmail('jonathan.smithers'));
    const token = await requestResetToken(user.email);

    const weak = await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: 'password123' })
      .expect(400);
    expect(weak.body.code).toBe('WEAK_PASSWORD');
    expect(weak.body.message).toMatch(/commonly used/i);
    const local = user.email.split('@')[0];
    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: local })
      .expect(400);
    const short = await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: 'a' })
      .expect(400);
    expect(JSON.stringify(short.body.message)).toMatch(
      /newPassword must be longer than or equal to 8/,
    );

    await ctx.app.http().post('/auth/reset-password/verify').send({ token }).expect(200);
    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
  });

  it('should bump token_version, delete every reset token and send a password-changed email after a reset', async () => {
    const user = await registerUser(ctx.app);
    const token = await requestResetToken(user.email);
    const before = await ctx.app.dataSource
      .getRepository(UserAccount)
      .findOneByOrFail({ id: user.id });

    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);

    const after = await ctx.app.dataSource
      .getRepository(UserAccount)
      .findOneByOrFail({ id: user.id });
    expect(after.tokenVersion).toBe(before.tokenVersion + 1);
    expect(after.passwordChangedAt.getTime()).toBeGreaterThan(before.passwordChangedAt.getTime());
    expect(
      await ctx.app.dataSource.getRepository(PasswordResetToken).countBy({ userId: user.id }),
    ).toBe(0);

    const mails = await ctx.smtp.waitForMail(user.email, 2);
    const notice = mails[1];
    expect(notice.parsed.subject).toBe('Test Product: your password was changed');
    expect(notice.raw).toMatch(/multipart\/alternative/i);
    expect(notice.parsed.text).toMatch(/changed on .*\d\d:\d\d UTC/);
    expect(notice.parsed.text).toMatch(/If this was not you/);
    expect(notice.parsed.text).toContain(`${FRONTEND_URL}/reset-password?lang=en`);
    expect(notice.parsed.text).not.toMatch(/#token=/);
  });

  it('should give exactly one success to 20 concurrent resets with one token', async () => {
    const user = await registerUser(ctx.app);
    const token = await requestResetToken(user.email);
    const passwords = Array.from({ length: 20 }, (_, i) => `${OTHER_STRONG_PASSWORD} ${i}`);

    const responses = await Promise.all(
      passwords.map((newPassword) =>
        ctx.app.http().post('/auth/reset-password').send({ token, newPassword }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(19);

    const winner = passwords[responses.findIndex((r) => r.status === 200)];
    await login(ctx.app, user.email, winner);
    const stored = await ctx.app.dataSource
      .getRepository(UserAccount)
      .findOneByOrFail({ id: user.id });
    expect(stored.tokenVersion).toBe(1);

    // The reset link and one password-changed notice; the 19 rolled-back resets sent nothing.
    await ctx.smtp.waitForMail(user.email, 2);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(ctx.smtp.mailTo(user.email).map((m) => m.parsed.subject)).toEqual([
      'Test Product: reset your password',
      'Test Product: your password was changed',
    ]);
    // The notice is written in the reset's transaction: the rolled-back ones left no row behind.
    const notices = await ctx.app.dataSource
      .getRepository(QueuedEmail)
      .findBy({ email: user.email, kind: EmailKind.PasswordChanged });
    expect(notices.map((n) => n.status)).toEqual([EmailStatus.Done]);
  });

  it('should never store the raw token, only its SHA-256', async () => {
    const user = await registerUser(ctx.app);
    const token = await requestResetToken(user.email);
    const rows = await ctx.app.dataSource
      .getRepository(PasswordResetToken)
      .findBy({ userId: user.id });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashResetToken(token));
    expect(rows[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify([
      await ctx.app.dataSource.query('SELECT * FROM users'),
      await ctx.app.dataSource.query('SELECT * FROM password_reset_tokens'),
    ]);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(user.password);
  });
});
