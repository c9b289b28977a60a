import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import {
  PASSWORD_RESET_EVENTS,
  PasswordResetCompletedEvent,
  PasswordResetError,
  PasswordResetService,
} from '../../src';
import {
  newEmail,
  OTHER_STRONG_PASSWORD,
  STRONG_PASSWORD,
  THIRD_STRONG_PASSWORD,
} from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { eventually } from './support/eventually';
import { Account } from './support/host/account.entity';
import {
  HOST_FRONTEND_URL,
  HOST_PREFIX,
  HOST_RESET_PATH,
  HostContext,
  useHost,
} from './support/host/start-host';

/** A route the module mounts, under the host's global prefix. */
const auth = (route: string) => `${HOST_PREFIX}/auth/${route}`;
/** A route of the host's own. */
const own = (route: string) => `${HOST_PREFIX}/${route}`;

/** Well-formed (43 base64url characters) but never issued. */
const UNKNOWN_TOKEN = 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0';

/** An account in the host's own table, made by the host's own code. */
function seedAccount(ctx: HostContext, email = newEmail('host')): Promise<Account> {
  return ctx.accounts.create(email, STRONG_PASSWORD);
}

/** Asks for a reset over HTTP and returns the token from the email that arrives. */
async function requestResetToken(ctx: HostContext, email: string, count = 1): Promise<string> {
  await ctx.host.http().post(auth('forgot-password')).send({ email }).expect(202);
  const mails = await ctx.smtp.waitForMail(email, count);
  return extractResetToken(mails[count - 1]);
}

/** The host's own login check, over its own route. */
function hostLogin(ctx: HostContext, email: string, password: string) {
  return ctx.host.http().post(own('accounts/login')).send({ email, password });
}

describe.each(databaseKinds())('A host with its own users (%s)', (kind) => {
  const ctx = useHost(kind);

  it("should run the whole flow over HTTP and leave the host's login taking only the new password", async () => {
    const account = await seedAccount(ctx);

    const requested = await ctx.host
      .http()
      .post(auth('forgot-password'))
      .send({ email: account.email })
      .expect(202);
    expect(Object.keys(requested.body)).toEqual(['message']);
    const [mail] = await ctx.smtp.waitForMail(account.email);
    const token = extractResetToken(mail);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const verify = await ctx.host.http().post(auth('reset-password/verify')).send({ token });
    expect(verify.status).toBe(200);
    expect(new Date(verify.body.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const weak = await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token, newPassword: 'password123' })
      .expect(400);
    expect(weak.body.code).toBe('WEAK_PASSWORD');
    expect(weak.body.message).toMatch(/commonly used/i);
    // A refused password leaves the link usable.
    await ctx.host.http().post(auth('reset-password/verify')).send({ token }).expect(200);

    const reset = await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    expect(Object.keys(reset.body)).toEqual(['message']);

    await hostLogin(ctx, account.email, STRONG_PASSWORD).expect(401);
    const login = await hostLogin(ctx, account.email, OTHER_STRONG_PASSWORD).expect(200);
    expect(login.body).toEqual({ accountId: account.id, sessionVersion: 1 });
    // The host's port changed the password inside the transaction that used the token up.
    expect(ctx.probe.setPasswordCalls).toContainEqual({ userId: account.id, inTransaction: true });

    const again = await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token, newPassword: THIRD_STRONG_PASSWORD })
      .expect(400);
    expect(again.body.code).toBe('INVALID_RESET_TOKEN');
  });

  it('should mount only the three reset routes when the host brings its own users', async () => {
    const builtInRoutes: ['post' | 'get' | 'delete', string][] = [
      ['post', auth('register')],
      ['post', auth('login')],
      ['post', auth('change-password')],
      ['get', own('users/me')],
      ['delete', own('users/me')],
    ];
    for (const [method, route] of builtInRoutes) {
      const response = await ctx.host.http()[method](route).send({});
      expect({ method, route, status: response.status }).toEqual({ method, route, status: 404 });
    }
  });

  it("should send the link to the host's front end at the host's reset path, in both parts", async () => {
    const account = await seedAccount(ctx);
    const token = await requestResetToken(ctx, account.email);
    const [mail] = ctx.smtp.mailTo(account.email);

    const link = `${HOST_FRONTEND_URL}${HOST_RESET_PATH}?lang=en#token=${token}`;
    expect(mail.parsed.text).toContain(link);
    // Handlebars escapes "=" in attributes as &#x3D;, which every mail client decodes back.
    expect(String(mail.parsed.html).replace(/&#x3D;/g, '=')).toContain(link);
    expect(mail.raw).not.toContain('/reset-password#');
  });

  it('should name its events for hosts', () => {
    expect(PASSWORD_RESET_EVENTS).toEqual({
      requested: 'password-reset.requested',
      completed: 'password-reset.completed',
      passwordChanged: 'password-reset.password-changed',
      signUpAttempted: 'password-reset.sign-up-attempted',
    });
  });

  it("should tell the host's own listener that a reset completed, with its user's id and nothing secret", async () => {
    const account = await seedAccount(ctx);
    const token = await requestResetToken(ctx, account.email);
    const before = Date.now();
    await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);

    const event = await eventually(() => {
      const found = ctx.listener.completed.find((e) => e.userId === account.id);
      expect(found).toBeDefined();
      return found!;
    });
    expect(event).toBeInstanceOf(PasswordResetCompletedEvent);
    expect(Object.keys(event).sort()).toEqual(['completedAt', 'userId']);
    expect(event.completedAt).toBeInstanceOf(Date);
    expect(event.completedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(event.completedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const { passwordHash } = await ctx.accountRepository.findOneByOrFail({ id: account.id });
    const serialised = JSON.stringify(event);
    for (const secret of [token, OTHER_STRONG_PASSWORD, STRONG_PASSWORD, passwordHash]) {
      expect(serialised).not.toContain(secret);
    }
  });

  it('should refuse malformed bodies with a 400 though the host has no global pipe', async () => {
    const malformed: [string, object][] = [
      ['forgot-password', {}],
      ['forgot-password', { email: 'not an address' }],
      ['forgot-password', { email: 42 }],
      ['forgot-password', { email: [newEmail()] }],
      ['reset-password/verify', {}],
      ['reset-password/verify', { token: 42 }],
      ['reset-password', { token: UNKNOWN_TOKEN }],
      ['reset-password', { token: UNKNOWN_TOKEN, newPassword: 12345678 }],
    ];
    for (const [route, body] of malformed) {
      const response = await ctx.host.http().post(auth(route)).send(body);
      expect({ route, body, status: response.status }).toEqual({ route, body, status: 400 });
      expect(response.body.statusCode).toBe(400);
    }
  });

  it('should refuse unknown fields with a 400', async () => {
    const account = await seedAccount(ctx);
    const withExtras: [string, object, string][] = [
      ['forgot-password', { email: account.email, role: 'admin' }, 'role'],
      [
        'reset-password/verify',
        { token: UNKNOWN_TOKEN, redirect: 'https://x.example' },
        'redirect',
      ],
      [
        'reset-password',
        { token: UNKNOWN_TOKEN, newPassword: OTHER_STRONG_PASSWORD, userId: account.id },
        'userId',
      ],
    ];
    for (const [route, body, field] of withExtras) {
      const response = await ctx.host.http().post(auth(route)).send(body);
      expect({ route, status: response.status }).toEqual({ route, status: 400 });
      // The message names the problem.
      expect(JSON.stringify(response.body.message)).toContain(field);
    }
  });

  it('should answer an unknown or used-up token with the one generic 400 INVALID_RESET_TOKEN', async () => {
    const unknownVerify = await ctx.host
      .http()
      .post(auth('reset-password/verify'))
      .send({ token: UNKNOWN_TOKEN })
      .expect(400);
    expect(unknownVerify.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'INVALID_RESET_TOKEN',
      message: expect.any(String),
    });
    const unknownReset = await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token: UNKNOWN_TOKEN, newPassword: OTHER_STRONG_PASSWORD })
      .expect(400);
    expect(unknownReset.body).toEqual(unknownVerify.body);

    const account = await seedAccount(ctx);
    const token = await requestResetToken(ctx, account.email);
    await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    const used = await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token, newPassword: THIRD_STRONG_PASSWORD })
      .expect(400);
    expect(used.body).toEqual(unknownVerify.body);
  });

  it('should normalise an address before it asks the host for the user', async () => {
    const suffix = randomBytes(4).toString('hex');
    const account = await seedAccount(ctx, `alice${suffix}@example.com`);
    await ctx.host
      .http()
      .post(auth('forgot-password'))
      .send({ email: `  Alice${suffix.toUpperCase()}@Example.COM  ` })
      .expect(202);
    await eventually(() => expect(ctx.probe.lookups).toContain(account.email));
    // The host's user gets the email, at the address the host stored.
    await ctx.smtp.waitForMail(account.email);

    // Decomposed "ö" (o + U+0308) becomes NFC; the domain becomes punycode.
    await ctx.host
      .http()
      .post(auth('forgot-password'))
      .send({ email: `Jo\u0308rg${suffix}@Bücher.DE` })
      .expect(202);
    await eventually(() =>
      expect(ctx.probe.lookups).toContain(`j\u00f6rg${suffix}@xn--bcher-kva.de`),
    );
    expect(ctx.probe.lookups.filter((email) => email !== email.trim().toLowerCase())).toEqual([]);
  });

  it('should answer an unknown address with the same 202 and send it nothing', async () => {
    const account = await seedAccount(ctx);
    const unknown = newEmail('nobody');
    const missing = await ctx.host.http().post(auth('forgot-password')).send({ email: unknown });
    const known = await ctx.host
      .http()
      .post(auth('forgot-password'))
      .send({ email: account.email });
    expect(missing.status).toBe(202);
    expect(known.status).toBe(202);
    expect(missing.body).toEqual(known.body);

    // The module did look the address up (and the host said there is no such user)...
    await eventually(() => expect(ctx.probe.lookups).toContain(unknown));
    // ...and by the time the known address has its email, the unknown one has none.
    await ctx.smtp.waitForMail(account.email);
    expect(ctx.smtp.mailTo(unknown)).toHaveLength(0);
  });

  it("should leave the host's own routes alone: its echo takes any JSON, unknown fields included", async () => {
    const body = { anything: 1, nested: { deep: [1, 'two', null] }, role: 'admin' };
    const echoed = await ctx.host.http().post(own('echo')).send(body).expect(200);
    expect(echoed.body).toEqual(body);
    await ctx.host.http().get(own('ping')).expect(200, { pong: true });
  });

  it('should let the host run the flow from code through PasswordResetService', async () => {
    const service = ctx.host.app.get(PasswordResetService);
    const account = await seedAccount(ctx);

    await service.requestReset(account.email);
    const token = extractResetToken((await ctx.smtp.waitForMail(account.email))[0]);
    const expiresAt = await service.verify(token);
    expect(expiresAt).toBeInstanceOf(Date);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());

    await expect(service.reset(token, 'password123')).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    await service.reset(token, OTHER_STRONG_PASSWORD);
    await hostLogin(ctx, account.email, OTHER_STRONG_PASSWORD).expect(200);
    await expect(service.verify(token)).rejects.toBeInstanceOf(PasswordResetError);
  });

  it("should end a user's live link when the host calls forgetUser (the older name of revokeLinks)", async () => {
    const service = ctx.host.app.get(PasswordResetService);
    const account = await seedAccount(ctx);
    const token = await requestResetToken(ctx, account.email);
    await ctx.host.http().post(auth('reset-password/verify')).send({ token }).expect(200);

    await service.forgetUser(account.id);

    const verify = await ctx.host
      .http()
      .post(auth('reset-password/verify'))
      .send({ token })
      .expect(400);
    expect(verify.body.code).toBe('INVALID_RESET_TOKEN');
    await expect(service.verify(token)).rejects.toMatchObject({ code: 'INVALID_RESET_TOKEN' });
    await ctx.host
      .http()
      .post(auth('reset-password'))
      .send({ token, newPassword: OTHER_STRONG_PASSWORD })
      .expect(400);
    await hostLogin(ctx, account.email, STRONG_PASSWORD).expect(200);
  });
});

// Per-IP limits live in memory: storage does not matter here, SQLite is enough.
describe('A host with its own users, at its per-IP limit on forgot-password', () => {
  const LIMIT = 3;
  const WINDOW_SECONDS = 120;
  const ctx = useHost('sqlite', {
    HOST_FORGOT_PASSWORD_LIMIT: String(LIMIT),
    HOST_FORGOT_PASSWORD_WINDOW_SECONDS: String(WINDOW_SECONDS),
  });

  /** Asks for resets until refused (within the limit and one more) and returns the statuses. */
  async function exhaustLimit(): Promise<{ statuses: number[]; refused: Response }> {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) {
      const response = await ctx.host
        .http()
        .post(auth('forgot-password'))
        .send({ email: newEmail() });
      statuses.push(response.status);
      if (response.status === 429) return { statuses, refused: response };
    }
    throw new Error(`No 429 after ${LIMIT + 1} requests: ${statuses.join(', ')}`);
  }

  it('should answer 429 with Retry-After once a client is past the limit', async () => {
    const { statuses, refused } = await exhaustLimit();
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(202), 429]);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  });

  it("should never limit the host's own routes, even for a client past the module's limit", async () => {
    await exhaustLimit();
    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0
          ? ctx.host.http().get(own('ping'))
          : ctx.host.http().post(own('echo')).send({ i }),
      ),
    ).then((responses) => responses.map((response) => response.status));
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});
