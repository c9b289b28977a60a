import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import { resolvePasswordResetOptions } from '../password-reset.options';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PasswordPolicy,
} from './password-policy.service';
import checkStrength from './strength/password-strength.worker';
import type { PasswordStrengthPool } from './strength/password-strength.pool';

/** The worker's own function, run in this thread: the pool's threading is not what is tested here. */
const inThreadPool = {
  check: (task: Parameters<typeof checkStrength>[0]) => Promise.resolve(checkStrength(task)),
} as unknown as PasswordStrengthPool;

function policyWithMinScore(minScore: number): PasswordPolicy {
  const settings = resolvePasswordResetOptions(
    { frontendUrl: 'https://app.example.com', passwordPolicy: { minScore } },
    false,
  );
  return new PasswordPolicy(inThreadPool, settings);
}

async function weakPasswordError(
  policy: PasswordPolicy,
  password: string,
  email: string,
): Promise<PasswordResetError> {
  try {
    await policy.assertAcceptable(password, email);
  } catch (error) {
    expect(error).toBeInstanceOf(PasswordResetError);
    expect((error as PasswordResetError).code).toBe(PasswordResetErrorCode.WeakPassword);
    return error as PasswordResetError;
  }
  throw new Error(`Expected "${password}" to be refused`);
}

describe(PasswordPolicy.name, () => {
  const policy = policyWithMinScore(3);
  const email = 'jonathan.smithers@example.com';

  it('should refuse a common password', async () => {
    await weakPasswordError(policy, 'password123', email);
  });

  it("should explain a refusal with zxcvbn's feedback", async () => {
    const error = await weakPasswordError(policy, 'password123', email);

    expect(error.message).toContain('Password is too easy to guess.');
    expect(error.message).toContain('commonly used');
  });

  it("should refuse the local part of the account's email", async () => {
    const error = await weakPasswordError(policy, 'jonathan.smithers', email);

    expect(error.message).toContain('personal');
  });

  it('should accept the same password for an account whose email does not contain it', async () => {
    await expect(
      policy.assertAcceptable('jonathan.smithers', 'alice@example.com'),
    ).resolves.toBeUndefined();
  });

  it(`should refuse a password shorter than ${PASSWORD_MIN_LENGTH} characters`, async () => {
    const error = await weakPasswordError(policy, 'Zq9#vT2', email);

    expect(error.message).toBe('Password must be 8 to 128 characters long');
  });

  it(`should refuse a password longer than ${PASSWORD_MAX_LENGTH} characters`, async () => {
    const long = 'violet tractor sings at midnight '.repeat(4).slice(0, 129);
    expect(long).toHaveLength(129);

    const error = await weakPasswordError(policy, long, email);

    expect(error.message).toBe('Password must be 8 to 128 characters long');
  });

  it('should accept a password of exactly the maximum length', async () => {
    const longest = 'violet tractor sings at midnight '.repeat(4).slice(0, 128);
    expect(longest).toHaveLength(128);

    await expect(policy.assertAcceptable(longest, email)).resolves.toBeUndefined();
  });

  it('should accept a passphrase of uncommon words', async () => {
    await expect(
      policy.assertAcceptable('correct horse battery staple', email),
    ).resolves.toBeUndefined();
  });

  it('should give advice when zxcvbn has none for a refused password', async () => {
    const strict = policyWithMinScore(4);

    // Scores 3 (zxcvbn gives no feedback at 3 and above), so only a minimum score of 4 refuses it.
    const error = await weakPasswordError(strict, 'jonathan.smithers', 'alice@example.com');

    expect(error.message).toContain('Add more words that are less common.');
  });

  it('should accept a weak but long enough password when the minimum score is 0', async () => {
    const lenient = policyWithMinScore(0);

    await expect(lenient.assertAcceptable('password123', email)).resolves.toBeUndefined();
  });

  it('should still apply the length limits when the minimum score is 0', async () => {
    const lenient = policyWithMinScore(0);

    await weakPasswordError(lenient, 'short', email);
  });
});
