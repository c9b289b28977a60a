/**
 * A faster dictionary pass for zxcvbn-ts, with exactly the same matches.
 *
 * zxcvbn-ts looks every substring of a password (up to the longest dictionary word) up in each of
 * its 20 dictionaries, and repeats that whole pass for the reversed password and for every l33t
 * reading of it. That pass is most of the cost of a check. This replacement looks each substring up
 * once, in one index of all the dictionaries that also knows every prefix of every word, so the scan
 * from a position stops as soon as no word can start with what it has read. It emits the same
 * matches, in the same order, as the library's own pass: `fast-dictionary-matcher.spec.ts` compares
 * the two on a few hundred passwords, and runs again whenever the library is upgraded.
 *
 * It replaces `MatchDictionary.prototype.match` because the l33t, reverse and word-sequence matchers
 * all call it through `super`; it is installed only inside the strength-check worker threads.
 */

/** A dictionary hit, as zxcvbn-ts's own pass reports it. */
interface DictionaryMatch {
  pattern: 'dictionary';
  i: number;
  j: number;
  token: string;
  matchedWord: string;
  rank: number;
  dictionaryName: string;
  reversed: false;
  l33t: false;
}

interface DictionaryMatchOptions {
  password: string;
  userInputsOptions?: unknown;
  useLevenshtein?: boolean;
}

type RankedDictionary = Record<string, number>;

interface MatchDictionaryInstance {
  options: { useLevenshteinDistance: boolean };
  getRangedDictionaries(userInputsOptions: unknown): {
    rankedDictionaries: Record<string, RankedDictionary>;
  };
}

type DictionaryPass = (
  this: MatchDictionaryInstance,
  options: DictionaryMatchOptions,
) => DictionaryMatch[];

interface MatchDictionaryClass {
  prototype: { match: DictionaryPass };
}

/** The library's class; its file has no typings of its own for a CommonJS require. */
const MatchDictionary =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@zxcvbn-ts/core/dist/matcher/dictionary/matching.cjs') as MatchDictionaryClass;

/** The library's own pass, kept for the cases this one does not cover and for the equivalence test. */
export const libraryDictionaryMatch: DictionaryPass = MatchDictionary.prototype.match;

/** Index entry for a string that is only the start of some word. */
const PREFIX_ONLY = 0;
/** Word → flat pairs of (position in the dictionary list, rank); or PREFIX_ONLY. */
type WordIndex = Map<string, number[] | typeof PREFIX_ONLY>;

/** Built once per list of dictionaries (the full list, and the word-sequence matcher's subset). */
const indexes = new Map<string, WordIndex>();

function buildIndex(dictionaries: Record<string, RankedDictionary>, names: string[]): WordIndex {
  const index: WordIndex = new Map();
  names.forEach((name, position) => {
    for (const [word, rank] of Object.entries(dictionaries[name])) {
      const entry = index.get(word);
      if (Array.isArray(entry)) entry.push(position, rank);
      else index.set(word, [position, rank]);
    }
  });
  for (const word of [...index.keys()]) {
    for (let length = 1; length < word.length; length++) {
      const prefix = word.slice(0, length);
      if (!index.has(prefix)) index.set(prefix, PREFIX_ONLY);
    }
  }
  return index;
}

function indexFor(dictionaries: Record<string, RankedDictionary>, names: string[]): WordIndex {
  const key = names.join('\u0000');
  let index = indexes.get(key);
  if (!index) {
    index = buildIndex(dictionaries, names);
    indexes.set(key, index);
  }
  return index;
}

function prefixesOf(words: string[]): Set<string> {
  const prefixes = new Set<string>();
  for (const word of words) {
    for (let length = 1; length <= word.length; length++) prefixes.add(word.slice(0, length));
  }
  return prefixes;
}

function fastDictionaryMatch(
  this: MatchDictionaryInstance,
  options: DictionaryMatchOptions,
): DictionaryMatch[] {
  // Levenshtein matching compares the whole password with every word; leave it to the library.
  if (this.options.useLevenshteinDistance) return libraryDictionaryMatch.call(this, options);
  const { password } = options;
  const { rankedDictionaries } = this.getRangedDictionaries(options.userInputsOptions);
  const names = Object.keys(rankedDictionaries);
  // The user's own words (email, name) change with every call, so they are looked up apart.
  const staticNames = names.filter((name) => name !== 'userInputs');
  const index = indexFor(rankedDictionaries, staticNames);
  const userWords = rankedDictionaries.userInputs as RankedDictionary | undefined;
  const userPrefixes = userWords ? prefixesOf(Object.keys(userWords)) : undefined;
  const position = new Map(names.map((name, at) => [name, at]));
  const userPosition = position.get('userInputs') ?? Infinity;

  const lower = password.toLowerCase();
  const matches: DictionaryMatch[] = [];
  for (let i = 0; i < password.length; i++) {
    for (let j = i; j < password.length; j++) {
      const word = lower.slice(i, j + 1);
      const entry = index.get(word);
      const userAlive = userPrefixes?.has(word) ?? false;
      // Nothing in any dictionary starts with this: no longer substring from i can match either.
      if (entry === undefined && !userAlive) break;
      const userRank = userAlive ? userWords?.[word] : undefined;
      const emit = (dictionaryName: string, rank: number): void => {
        matches.push({
          pattern: 'dictionary',
          i,
          j,
          token: password.slice(i, j + 1),
          matchedWord: word,
          rank,
          dictionaryName,
          reversed: false,
          l33t: false,
        });
      };
      // Same order as the library: by dictionary, in the order the dictionaries are listed.
      let userPending = userRank !== undefined;
      if (Array.isArray(entry)) {
        for (let k = 0; k < entry.length; k += 2) {
          const name = staticNames[entry[k]];
          if (userPending && userPosition < position.get(name)!) {
            emit('userInputs', userRank!);
            userPending = false;
          }
          emit(name, entry[k + 1]);
        }
      }
      if (userPending) emit('userInputs', userRank!);
    }
  }
  return matches;
}

/** Swaps the library's dictionary pass for {@link fastDictionaryMatch} in this thread. */
export function installFastDictionaryMatcher(): void {
  MatchDictionary.prototype.match = fastDictionaryMatch;
}

/** Puts the library's own pass back (for the equivalence test). */
export function uninstallFastDictionaryMatcher(): void {
  MatchDictionary.prototype.match = libraryDictionaryMatch;
}
