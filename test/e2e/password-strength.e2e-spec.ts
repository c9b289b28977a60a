import { PasswordStrengthPool } from '../../src/passwords/strength/password-strength.pool';
import { newEmail, STRONG_PASSWORD } from '../support/factories';
import { useTestApp } from '../support/test-app';

// If anything on the main thread loads zxcvbn, booting the app or checking a password throws. The
// worker threads load the real module through Node, outside Jest's module registry.
jest.mock('@zxcvbn-ts/core', () => {
  throw new Error('zxcvbn was loaded on the main thread');
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
});
