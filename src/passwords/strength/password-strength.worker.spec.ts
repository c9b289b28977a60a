import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import {
  installFastDictionaryMatcher,
  uninstallFastDictionaryMatcher,
} from './fast-dictionary-matcher';
import checkStrength from './password-strength.worker';
import { STRENGTH_CHECK_MAX_CHARS, strengthCheckPrefix } from './password-strength.types';

/** The default policy's bar (`PASSWORD_MIN_SCORE`). */
const MIN_SCORE = 3;
const EMAIL = 'alice.smith@example.com';
const USER_INPUTS = [EMAIL, 'alice.smith'];

/** zxcvbn-ts as it comes: every l33t reading, the whole password, its own dictionary pass. */
function referenceScore(password: string): number {
  const reference = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  uninstallFastDictionaryMatcher();
  try {
    return reference.check(password, USER_INPUTS).score;
  } finally {
    installFastDictionaryMatcher();
  }
}

const REFUSED = [
  'password',
  'password123',
  'P@ssw0rd',
  'p@ssw0rd!',
  'Passw0rd1',
  'Pa$$word1',
  'qwerty123',
  'iloveyou',
  'iloveyou2',
  'Summer2024!',
  'letmein1',
  'L3tm31n!',
  'dragon1987',
  'monkey123',
  'abc12345',
  'trustno1',
  'Welcome123!',
  '12345678',
  'football',
  'F00tb@ll',
  '$unsh1ne',
  'baseball1',
  'princess1',
  'shadow123',
  'admin123',
  'changeme',
  'aaaaaaaa',
  'asdfghjkl',
  'zxcvbnm1',
  '1qaz2wsx',
  'mustang69',
  'correcthorse',
  'alice.smith',
  'alice.smith1987',
  'Alice2024!',
];

const ACCEPTED = [
  'horse battery',
  'Tr0ub4dor',
  'Tr0ub4dour&3',
  'violet tractor sings at midnight',
  'amber otter juggles seven lanterns',
  'correct horse battery staple',
  'quiet harbor mosaic drifts north',
  'Lantern-1a2b3c4d-Quokka-17',
  'Correct-Horse-Battery-Staple-42',
  'Xk9#mQ2!vB7@',
  'purple-Elephant-42-dances',
  'Graduates_9370_Stumbling_Scrapes',
  'mY c@t 1s n@med B1sc u1t',
  'swordfish-autumn-1984',
  'sheldonpickspectacle',
  '2873 dismantle frontal Shakily',
  'Trucks.ballet.sells',
];

/** 128 characters of patterns that made zxcvbn spend up to 1.5 s; all weak. */
const CRAFTED = [
  'p@$$w0rd'.repeat(16),
  '1234567890'.repeat(13).slice(0, 128),
  'a'.repeat(128),
  'qwertyuiop'.repeat(13).slice(0, 128),
];

describe('password strength check (worker function)', () => {
  describe.each([
    ['refuse', REFUSED, false],
    ['accept', ACCEPTED, true],
    ['refuse a crafted', CRAFTED, false],
  ] as const)(
    'should %s ordinary passwords as zxcvbn-ts defaults do',
    (_verb, passwords, accepted) => {
      it.each(passwords.map((password) => [password]))('%s', (password) => {
        expect(checkStrength({ password, userInputs: USER_INPUTS }).score >= MIN_SCORE).toBe(
          accepted,
        );
        expect(referenceScore(password) >= MIN_SCORE).toBe(accepted);
      });
    },
  );

  it("should give zxcvbn's advice for a refused password as translation keys", () => {
    const result = checkStrength({ password: 'P@ssw0rd', userInputs: USER_INPUTS });

    expect(result).toEqual({
      score: 0,
      warning: 'similarToCommon',
      suggestions: ['anotherWord', 'capitalization', 'l33t'],
    });
  });

  it(`should judge only the first ${STRENGTH_CHECK_MAX_CHARS} characters`, () => {
    const weakStart = `${'a'.repeat(STRENGTH_CHECK_MAX_CHARS)}Lantern-1a2b3c4d-Quokka-17`;

    // The strong tail is past the prefix, so the check sees only a run of one letter: stricter, not laxer.
    expect(checkStrength({ password: weakStart, userInputs: [] }).score).toBeLessThan(MIN_SCORE);
    expect(referenceScore(weakStart)).toBeGreaterThanOrEqual(MIN_SCORE);
  });

  it('should cut the prefix between characters, never inside a surrogate pair', () => {
    const emoji = '😀'.repeat(STRENGTH_CHECK_MAX_CHARS + 10);

    const prefix = strengthCheckPrefix(emoji);

    expect(Array.from(prefix)).toHaveLength(STRENGTH_CHECK_MAX_CHARS);
    // A lone surrogate would survive encodeURIComponent only as an error.
    expect(() => encodeURIComponent(prefix)).not.toThrow();
  });
});
