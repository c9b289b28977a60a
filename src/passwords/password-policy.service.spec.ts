import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import {
  type PasswordResetModuleOptions,
  resolvePasswordResetOptions,
} from '../password-reset.options';
import { PwnedRangeServer } from '../../test/support/pwned-range-server';
import { BreachedPasswordChecker } from './breached/breached-password-checker';
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

function policyWith(passwordPolicy: PasswordResetModuleOptions['passwordPolicy']): PasswordPolicy {
  const settings = resolvePasswordResetOptions(
    { frontendUrl: 'https://app.example.com', passwordPolicy },
    false,
  );
  return new PasswordPolicy(inThreadPool, settings, new BreachedPasswordChecker(settings));
}

function policyWithMinScore(minScore: number): PasswordPolicy {
  return policyWith({ minScore });
}

async function weakPasswordError(
  policy: PasswordPolicy,
  password: string,
  email: string,
  locale?: string,
): Promise<PasswordResetError> {
  try {
    await policy.assertAcceptable(password, email, locale);
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

  describe('in the language asked for', () => {
    const P_SSW0RD_IN_ENGLISH =
      'Password is too easy to guess. This is similar to a commonly used password. ' +
      'Add more words that are less common. Capitalize more than the first letter. ' +
      "Avoid predictable letter substitutions like '@' for 'a'.";

    it('should explain in English, as before, without a locale', async () => {
      const error = await weakPasswordError(policy, 'P@ssw0rd', email);

      expect(error.message).toBe(P_SSW0RD_IN_ENGLISH);
    });

    it.each([['en'], ['en-US'], ['it'], ['xx-invalid-'], ['']])(
      'should explain in English for %p',
      async (locale) => {
        const error = await weakPasswordError(policy, 'P@ssw0rd', email, locale);

        expect(error.message).toBe(P_SSW0RD_IN_ENGLISH);
      },
    );

    it.each([
      [
        'de',
        'Das Passwort ist zu leicht zu erraten. Dies ähnelt einem häufig verwendeten Passwort. ' +
          'Fügen Sie weitere, weniger häufige Wörter hinzu. ' +
          'Schreiben Sie mehr als nur den ersten Buchstaben groß. ' +
          'Vermeiden Sie vorhersehbare Ersetzungen von Buchstaben wie „@“ für „a“.',
      ],
      [
        'fr',
        'Le mot de passe est trop facile à deviner. ' +
          'Ce mot de passe ressemble à un mot de passe couramment utilisé. ' +
          'Ajoutez d’autres mots, moins courants. ' +
          'Mettez en majuscule d’autres lettres que la première. ' +
          'Évitez les substitutions de lettres prévisibles comme «\u00a0@\u00a0» pour «\u00a0a\u00a0».',
      ],
      [
        'es',
        'La contraseña es demasiado fácil de adivinar. ' +
          'Esta contraseña se parece a una de uso común. ' +
          'Añada más palabras que sean menos comunes. ' +
          'Ponga en mayúscula más letras que la primera. ' +
          'Evite sustituciones de letras previsibles como «@» por «a».',
      ],
    ])("should explain in %s, zxcvbn's advice included", async (locale, expected) => {
      const error = await weakPasswordError(policy, 'P@ssw0rd', email, locale);

      expect(error.code).toBe(PasswordResetErrorCode.WeakPassword);
      expect(error.message).toBe(expected);
    });

    it('should take a regional tag as its language (de-AT → German)', async () => {
      const error = await weakPasswordError(policy, 'password123', email, 'de-AT');

      expect(error.message).toBe(
        'Das Passwort ist zu leicht zu erraten. Dies ist ein häufig verwendetes Passwort. ' +
          'Fügen Sie weitere, weniger häufige Wörter hinzu.',
      );
    });

    it.each([
      ['de', 'Das Passwort muss 8 bis 128 Zeichen lang sein'],
      ['fr', 'Le mot de passe doit comporter entre 8 et 128 caractères'],
      ['es', 'La contraseña debe tener entre 8 y 128 caracteres'],
      ['en', 'Password must be 8 to 128 characters long'],
    ])('should give the length limits in %s', async (locale, expected) => {
      const error = await weakPasswordError(policy, 'Zq9#vT2', email, locale);

      expect(error.message).toBe(expected);
    });

    it('should give its own advice in the language asked for when zxcvbn has none', async () => {
      const strict = policyWithMinScore(4);

      const error = await weakPasswordError(strict, 'jonathan.smithers', 'alice@example.com', 'fr');

      expect(error.message).toBe(
        'Le mot de passe est trop facile à deviner. Ajoutez d’autres mots, moins courants.',
      );
    });
  });

  describe('with a breached-password endpoint', () => {
    const BREACHED = 'correct horse battery staple';
    const server = new PwnedRangeServer();
    let breachAware: PasswordPolicy;

    beforeAll(async () => {
      await server.start();
      server.breach(BREACHED, 3);
      breachAware = policyWith({ pwnedPasswordsUrl: server.url });
    });
    afterAll(() => server.stop());
    beforeEach(() => {
      server.requests.length = 0;
    });

    it('should refuse a strong password found in breaches, saying so', async () => {
      const error = await weakPasswordError(breachAware, BREACHED, email);

      expect(error.message).toBe(
        'This password has appeared in known data breaches, so attackers try it early. ' +
          'Choose a different one.',
      );
    });

    it('should say so in the language asked for', async () => {
      const error = await weakPasswordError(breachAware, BREACHED, email, 'de-AT');

      expect(error.message).toMatch(/^Dieses Passwort ist in bekannten Datenlecks aufgetaucht/);
    });

    it('should accept a strong password not found in breaches', async () => {
      await expect(
        breachAware.assertAcceptable('violet tractor sings at midnight', email),
      ).resolves.toBeUndefined();
      expect(server.requests).toHaveLength(1);
    });

    it('should ask the endpoint nothing about a password the strength check refuses', async () => {
      await weakPasswordError(breachAware, 'password123', email);
      await weakPasswordError(breachAware, 'short', email);

      expect(server.requests).toHaveLength(0);
    });
  });
});
