import { UserAccount } from '../../src/accounts/user-account.entity';
import { login, newEmail, STRONG_PASSWORD } from '../support/factories';
import { TestApp, useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

/** Registers through the API with `extra` in the body and `acceptLanguage`, and signs in. */
async function registerWith(
  app: TestApp,
  extra: Record<string, unknown> = {},
  acceptLanguage?: string,
): Promise<{ id: string; accessToken: string; body: Record<string, unknown> }> {
  const email = newEmail();
  const request = app.http().post('/auth/register');
  if (acceptLanguage !== undefined) request.set('Accept-Language', acceptLanguage);
  const response = await request.send({ email, password: STRONG_PASSWORD, ...extra }).expect(201);
  return {
    id: response.body.id as string,
    accessToken: await login(app, email, STRONG_PASSWORD),
    body: response.body as Record<string, unknown>,
  };
}

async function me(app: TestApp, accessToken: string): Promise<Record<string, unknown>> {
  const response = await app.http().get('/users/me').auth(accessToken, { type: 'bearer' });
  expect(response.status).toBe(200);
  return response.body as Record<string, unknown>;
}

describe.each(databaseKinds())("An account's locale and time zone (%s)", (kind) => {
  const ctx = useTestApp(kind);

  describe('POST /auth/register', () => {
    it('should store the locale and time zone in canonical form and show them in /users/me', async () => {
      const user = await registerWith(ctx.app, { locale: 'de-at', timeZone: 'europe/vienna' });

      expect(user.body).toMatchObject({ locale: 'de-AT', timeZone: 'Europe/Vienna' });
      expect(await me(ctx.app, user.accessToken)).toMatchObject({
        id: user.id,
        locale: 'de-AT',
        timeZone: 'Europe/Vienna',
      });
      const stored = await ctx.app.dataSource
        .getRepository(UserAccount)
        .findOneByOrFail({ id: user.id });
      expect([stored.locale, stored.timeZone]).toEqual(['de-AT', 'Europe/Vienna']);
    });

    it('should prefer the locale in the body to Accept-Language', async () => {
      const user = await registerWith(ctx.app, { locale: 'pt-br' }, 'fr-CH, fr;q=0.9');
      expect(await me(ctx.app, user.accessToken)).toMatchObject({ locale: 'pt-BR' });
    });

    it('should store the supported email locale that best matches Accept-Language', async () => {
      const user = await registerWith(ctx.app, {}, 'fr-CH, fr;q=0.9, en;q=0.8');
      expect(await me(ctx.app, user.accessToken)).toMatchObject({ locale: 'fr', timeZone: null });
    });

    it.each([
      ['an Accept-Language no email locale matches', 'xx'],
      ['no Accept-Language', undefined],
    ])('should store no locale for %s', async (_case, acceptLanguage) => {
      const user = await registerWith(ctx.app, {}, acceptLanguage);
      expect(user.body).toMatchObject({ locale: null, timeZone: null });
      expect(await me(ctx.app, user.accessToken)).toMatchObject({ locale: null, timeZone: null });
    });

    it.each([
      ['a malformed locale', { locale: 'not a locale' }, /locale must be a language tag such as/],
      ['a locale of another type', { locale: 42 }, /locale must be a language tag such as/],
      ['a null locale', { locale: null }, /locale must be a language tag such as/],
      ['a too long locale', { locale: `en-${'a'.repeat(40)}` }, /locale must be at most 35/],
      ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /timeZone must be an IANA/],
      ['an offset for a time zone', { timeZone: '+01:00' }, /timeZone must be an IANA/],
    ])('should answer 400 naming the problem for %s', async (_case, extra, message) => {
      const response = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: newEmail(), password: STRONG_PASSWORD, ...extra })
        .expect(400);
      // A validation 400, in the shape of every other (no domain code).
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.code).toBeUndefined();
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });
  });

  describe('PATCH /users/me', () => {
    const patch = (accessToken: string | undefined, body: object) => {
      const request = ctx.app.http().patch('/users/me');
      if (accessToken) request.auth(accessToken, { type: 'bearer' });
      return request.send(body);
    };

    it('should set either field in canonical form and answer the updated account', async () => {
      const user = await registerWith(ctx.app);

      const first = await patch(user.accessToken, { locale: 'es-mx' }).expect(200);
      expect(first.body).toMatchObject({ id: user.id, locale: 'es-MX', timeZone: null });
      const second = await patch(user.accessToken, { timeZone: 'america/mexico_city' }).expect(200);
      expect(second.body).toMatchObject({ locale: 'es-MX', timeZone: 'America/Mexico_City' });

      expect(await me(ctx.app, user.accessToken)).toMatchObject({
        locale: 'es-MX',
        timeZone: 'America/Mexico_City',
      });
    });

    it('should clear a field set to null and leave the other', async () => {
      const user = await registerWith(ctx.app, { locale: 'de', timeZone: 'Europe/Berlin' });

      const response = await patch(user.accessToken, { locale: null }).expect(200);

      expect(response.body).toMatchObject({ locale: null, timeZone: 'Europe/Berlin' });
      expect(await me(ctx.app, user.accessToken)).toMatchObject({
        locale: null,
        timeZone: 'Europe/Berlin',
      });
    });

    it.each([
      ['a malformed locale', { locale: 'en_US!' }, /locale must be a language tag such as/],
      ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, /timeZone must be an IANA/],
      ['a time zone of another type', { timeZone: 3600 }, /timeZone must be an IANA/],
      ['an unknown property', { locale: 'en', theme: 'dark' }, /property theme should not exist/],
      ['neither field', {}, /locale, timeZone or both/],
    ])(
      'should answer 400 naming the problem and change nothing for %s',
      async (_case, body, message) => {
        const user = await registerWith(ctx.app, { locale: 'de', timeZone: 'Europe/Berlin' });

        const response = await patch(user.accessToken, body).expect(400);

        // A validation 400, in the shape of every other (no domain code).
        expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect(response.body.code).toBeUndefined();
        expect(JSON.stringify(response.body.message)).toMatch(message);
        expect(await me(ctx.app, user.accessToken)).toMatchObject({
          locale: 'de',
          timeZone: 'Europe/Berlin',
        });
      },
    );

    it('should answer 401 without a valid access token', async () => {
      await patch(undefined, { locale: 'en' }).expect(401);
      await patch('not.a.jwt', { locale: 'en' }).expect(401);
    });
  });
});

describe('PATCH /users/me under the change-password limit', () => {
  const ctx = useTestApp('sqlite', { CHANGE_PASSWORD_LIMIT: '2' });

  it('should share the per-IP bucket of change-password and DELETE /users/me', async () => {
    const user = await registerWith(ctx.app);
    await ctx.app
      .http()
      .delete('/users/me')
      .auth(user.accessToken, { type: 'bearer' })
      .send({ password: 'not the password at all' })
      .expect(401);
    const patch = () =>
      ctx.app
        .http()
        .patch('/users/me')
        .auth(user.accessToken, { type: 'bearer' })
        .send({ locale: 'en' });
    await patch().expect(200);

    const refused = await patch().expect(429);

    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  });
});
