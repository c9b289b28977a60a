import { PasswordStrengthPool } from '../../src/passwords/strength/password-strength.pool';
import { login, newEmail, registerUser, STRONG_PASSWORD } from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { useTestApp } from '../support/test-app';

// If anything on the main thread loads zxcvbn, booting the app or checking a password throws. The
// worker threads load the real module through Node, outside Jest's module registry.
jest.mock('@zxcvbn-ts/core', () => {
  throw new Error('zxcvbn was loaded on the main thread');
});
// Its index loads the English dictionaries (tens of MB): the messages have their own catalog.
jest.mock('@zxcvbn-ts/language-en', () => {
  throw new Error("zxcvbn's English dictionaries were loaded on the main thread");
});

/** Patterns that once kept zxcvbn busy for a second or more, each 128 characters long. */
const CRAFTED = [
  'p@$$w0rd'.repeat(16),
  '1234567890'.repeat(13).slice(0, 128),
  '4@'.repeat(64),
  '19701970'.repeat(16),
];

describe('Password strength off the main thread', () => {
  const ctx = useTestApp('sqlite');
  // The warm-up check at start-up counts as completed too; let it finish first.
  beforeAll(() => ctx.app.app.get(PasswordStrengthPool).whenReady());

  it.each(CRAFTED.map((password) => [password.slice(0, 16), password]))(
    'should refuse the crafted 128-character password %s… with advice, scored in a worker thread',
    async (_label, password) => {
      expect(password).toHaveLength(128);
      const pool = ctx.app.app.get(PasswordStrengthPool);
      const before = pool.completed;

      const response = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: newEmail(), password })
        .expect(400);

      expect(response.body.code).toBe('WEAK_PASSWORD');
      expect(response.body.message).toMatch(/^Password is too easy to guess\. \S/);
      expect(pool.completed).toBe(before + 1);
    },
  );

  it('should accept a strong password, also scored in a worker thread', async () => {
    const pool = ctx.app.app.get(PasswordStrengthPool);
    const before = pool.completed;

    await ctx.app
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password: STRONG_PASSWORD })
      .expect(201);

    expect(pool.completed).toBe(before + 1);
  });

  describe('messages in the language of Accept-Language', () => {
    const GERMAN =
      'Das Passwort ist zu leicht zu erraten. Dies ist ein häufig verwendetes Passwort. ' +
      'Fügen Sie weitere, weniger häufige Wörter hinzu.';
    const ENGLISH =
      'Password is too easy to guess. This is a commonly used password. ' +
      'Add more words that are less common.';

    /** Asks for a reset link and returns the token from the email that arrives. */
    async function resetToken(email: string): Promise<string> {
      await ctx.app.http().post('/auth/forgot-password').send({ email }).expect(202);
      const [mail] = await ctx.smtp.waitForMail(email, 1);
      return extractResetToken(mail);
    }

    it('should refuse a weak password at reset-password in German for Accept-Language: de', async () => {
      const user = await registerUser(ctx.app);
      const token = await resetToken(user.email);

      const german = await ctx.app
        .http()
        .post('/auth/reset-password')
        .set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.8')
        .send({ token, newPassword: 'password123' })
        .expect(400);
      const english = await ctx.app
        .http()
        .post('/auth/reset-password')
        .send({ token, newPassword: 'password123' })
        .expect(400);

      expect(german.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'WEAK_PASSWORD',
        message: GERMAN,
      });
      expect(english.body).toEqual({ ...german.body, message: ENGLISH });
    });

    it('should refuse a weak password at register in the most wanted shipped language', async () => {
      const german = await ctx.app
        .http()
        .post('/auth/register')
        .set('Accept-Language', 'it;q=1, de;q=0.8, fr;q=0.5')
        .send({ email: newEmail(), password: 'password123' })
        .expect(400);
      const spanish = await ctx.app
        .http()
        .post('/auth/register')
        .set('Accept-Language', 'es-MX')
        .send({ email: newEmail(), password: 'password123' })
        .expect(400);
      const unknown = await ctx.app
        .http()
        .post('/auth/register')
        .set('Accept-Language', 'ja-JP, *')
        .send({ email: newEmail(), password: 'password123' })
        .expect(400);
      const english = await ctx.app
        .http()
        .post('/auth/register')
        .send({ email: newEmail(), password: 'password123' })
        .expect(400);

      expect(german.body).toMatchObject({ code: 'WEAK_PASSWORD', message: GERMAN });
      expect(spanish.body).toMatchObject({
        code: 'WEAK_PASSWORD',
        message:
          'La contraseña es demasiado fácil de adivinar. Esta es una contraseña de uso común. ' +
          'Añada más palabras que sean menos comunes.',
      });
      expect(unknown.body).toMatchObject({ code: 'WEAK_PASSWORD', message: ENGLISH });
      expect(english.body).toMatchObject({ code: 'WEAK_PASSWORD', message: ENGLISH });
    });

    it('should refuse a weak password at change-password in German for Accept-Language: de', async () => {
      const user = await registerUser(ctx.app);
      const accessToken = await login(ctx.app, user.email, user.password);

      const german = await ctx.app
        .http()
        .post('/auth/change-password')
        .auth(accessToken, { type: 'bearer' })
        .set('Accept-Language', 'de')
        .send({ currentPassword: user.password, newPassword: 'password123' })
        .expect(400);
      const english = await ctx.app
        .http()
        .post('/auth/change-password')
        .auth(accessToken, { type: 'bearer' })
        .send({ currentPassword: user.password, newPassword: 'password123' })
        .expect(400);

      expect(german.body).toMatchObject({ code: 'WEAK_PASSWORD', message: GERMAN });
      expect(english.body).toMatchObject({ code: 'WEAK_PASSWORD', message: ENGLISH });
    });

    it('should document Accept-Language on every route that checks a new password', async () => {
      const document = (await ctx.app.http().get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
      };
      const documented = Object.entries(document.paths).flatMap(([path, byMethod]) =>
        Object.entries(byMethod)
          .filter(([, operation]) =>
            (operation.parameters ?? []).some(
              (parameter) => parameter.in === 'header' && parameter.name === 'Accept-Language',
            ),
          )
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );

      expect(documented).toEqual(
        expect.arrayContaining([
          'POST /auth/register',
          'POST /auth/change-password',
          'POST /auth/reset-password',
        ]),
      );
    });
  });
});
