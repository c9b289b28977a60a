import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import {
  installFastDictionaryMatcher,
  uninstallFastDictionaryMatcher,
} from './fast-dictionary-matcher';

/** A small seeded generator, so a failure names a password that can be checked again. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function corpus(): string[] {
  const random = seeded(20261126);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const words = english.dictionary['commonWords-en'].filter((word) => /^[a-z]{3,9}$/.test(word));
  const common3000 = common.dictionary['passwords-common'].slice(0, 3000);
  const leet: Record<string, string[]> = {
    a: ['4', '@'],
    e: ['3'],
    i: ['1', '!'],
    o: ['0'],
    s: ['$', '5'],
    t: ['7'],
    l: ['1', '|'],
    g: ['9'],
  };
  const passwords: string[] = [];
  for (let n = 0; n < 120; n++) {
    const parts = Array.from({ length: 2 + Math.floor(random() * 3) }, () => {
      const word = pick(words);
      return random() < 0.5 ? word[0].toUpperCase() + word.slice(1) : word;
    });
    if (random() < 0.7)
      parts.splice(Math.floor(random() * 3), 0, String(Math.floor(random() * 1e4)));
    passwords.push(parts.join(pick(['-', '_', '.', ' ', '', '!'])));
  }
  for (let n = 0; n < 120; n++) {
    const munged = [...String(pick(common3000))]
      .map((char) => (leet[char] && random() < 0.6 ? pick(leet[char]) : char))
      .join('');
    passwords.push(random() < 0.5 ? `${munged}${Math.floor(random() * 100)}` : munged);
  }
  passwords.push(
    'alice.smith1987',
    'ALICE-smith-Secret',
    'htims.ecila',
    'drowssap',
    'Lantern-1a2b3c4d-Quokka-17',
    'p@$$w0rd'.repeat(4),
    'onetwothreefourfive',
    'mondaytuesday',
    'Ünïcödé-pässwörd-ß',
    '😀password😀',
  );
  return passwords;
}

/** Everything a check returns that depends on the matches, rounded nowhere. */
function outcome(zxcvbn: ZxcvbnFactory, password: string): string {
  const { score, guesses, sequence, feedback } = zxcvbn.check(password, [
    'alice.smith@example.com',
    'alice.smith',
  ]);
  return JSON.stringify({ score, guesses, sequence, feedback });
}

/** The l33t matcher's own answer (every field of every match, in order) for one password. */
function l33tMatches(zxcvbn: ZxcvbnFactory, password: string): string {
  const internals = zxcvbn as unknown as {
    options: { getUserInputsOptions(inputs: string[]): unknown };
    matching: { matchers: { dictionaryL33t: { match(options: object): unknown[] } } };
  };
  const userInputsOptions = internals.options.getUserInputsOptions(['alice.smith@example.com']);
  return JSON.stringify(
    internals.matching.matchers.dictionaryL33t.match({ password, userInputsOptions }),
  );
}

describe('fast dictionary matcher', () => {
  afterEach(() => uninstallFastDictionaryMatcher());

  // The library's own pass at its default of 100 l33t readings is slow: a sample of the corpus there.
  it.each([
    [10, 2],
    [100, 6],
  ])(
    "should find exactly the library's matches (l33tMaxSubstitutions %i, every %i. password)",
    (l33tMaxSubstitutions, every) => {
      const zxcvbn = new ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...english.dictionary },
        graphs: common.adjacencyGraphs,
        translations: english.translations,
        l33tMaxSubstitutions,
      });
      const passwords = corpus().filter((_password, at) => at % every === 0);

      uninstallFastDictionaryMatcher();
      const expected = passwords.map((password) => outcome(zxcvbn, password));
      installFastDictionaryMatcher();
      const actual = passwords.map((password) => outcome(zxcvbn, password));

      const differing = passwords.filter((_password, at) => actual[at] !== expected[at]);
      expect(differing).toEqual([]);
      expect(passwords.length).toBeGreaterThan(40);
    },
  );

  // The score can hide a difference in the matches (a duplicate changes no minimum): compare them.
  it("should give exactly the library's l33t matches, duplicates and order included", () => {
    const zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
      l33tMaxSubstitutions: 10,
    });
    const passwords = corpus();

    uninstallFastDictionaryMatcher();
    const expected = passwords.map((password) => l33tMatches(zxcvbn, password));
    installFastDictionaryMatcher();
    const actual = passwords.map((password) => l33tMatches(zxcvbn, password));

    const differing = passwords.filter((_password, at) => actual[at] !== expected[at]);
    expect(differing).toEqual([]);
    // The corpus has l33t in it: most of its munged passwords give l33t matches.
    expect(expected.filter((matches) => matches !== '[]').length).toBeGreaterThan(60);
  });
});
