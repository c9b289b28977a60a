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
 * all call it through `super`; it is installed only inside the strength-check worker threads. The
 * l33t matcher's own loop over its readings is replaced too (see {@link fastL33tMatch}), with the
 * same kind of test comparing its raw matches.
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

/** One substitution in a l33t reading: `letter` stands at `i` of the reading, for `substitution`. */
interface L33tChange {
  i: number;
  letter: string;
  substitution: string;
}

/** A l33t reading of the password, as the library's unmunger produces them. */
interface L33tReading {
  password: string;
  changes: L33tChange[];
  isFullSubstitution: boolean;
}

interface L33tMatch extends Omit<DictionaryMatch, 'l33t'> {
  l33t: true;
  subs: { letter: string; substitution: string }[];
  subDisplay: string;
}

interface MatchL33tInstance extends MatchDictionaryInstance {
  options: MatchDictionaryInstance['options'] & {
    l33tMaxSubstitutions: number;
    trieNodeRoot: unknown;
  };
}

type L33tPass = (this: MatchL33tInstance, options: DictionaryMatchOptions) => L33tMatch[];

const MatchL33t =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/l33t.cjs') as {
    prototype: { match: L33tPass };
  };

const l33tReadings =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords.cjs') as (
    password: string,
    limit: number,
    trieRoot: unknown,
  ) => L33tReading[];

/** The library's own l33t pass, kept for the equivalence test. */
export const libraryL33tMatch: L33tPass = MatchL33t.prototype.match;

/**
 * Where the reading's characters `i`..`j` stand in the password (a substitution may be longer than
 * its letter), and which substitutions fall inside them, each named once.
 */
function inPassword(changes: L33tChange[], i: number, j: number) {
  let start = i;
  let end = j;
  const subs: { letter: string; substitution: string }[] = [];
  const named = new Set<string>();
  for (const { i: at, letter, substitution } of changes) {
    const grows = substitution.length - letter.length;
    if (at < i) {
      start += grows;
      end += grows;
    } else if (at <= j) {
      end += grows;
      const name = `${letter}-${substitution}`;
      if (!named.has(name)) {
        named.add(name);
        subs.push({ letter, substitution });
      }
    }
  }
  const subDisplay = subs.map((sub) => `${sub.substitution} -> ${sub.letter}`).join(', ');
  return { i: start, j: end, subs, subDisplay };
}

/**
 * The library's l33t pass, with the same matches in the same order, minus its waste: for each of up
 * to `l33tMaxSubstitutions` readings it built a full l33t match object for every dictionary match of
 * the reading, most of which contain no substitution at all and are thrown away, and checked each
 * against every match kept so far (quadratic). This keeps only matches with a substitution in them,
 * finds duplicates in a set, and builds objects only for what it keeps. A third of a realistic
 * passphrase's check went there, and most of a crafted one's.
 */
function fastL33tMatch(this: MatchL33tInstance, options: DictionaryMatchOptions): L33tMatch[] {
  const { password } = options;
  const readings = l33tReadings(
    password,
    this.options.l33tMaxSubstitutions,
    this.options.trieNodeRoot,
  );
  const matches: L33tMatch[] = [];
  const kept = new Set<string>();
  // A reading whose word covers the whole password ends the search, as in the library.
  let wholePassword = false;
  for (const reading of readings) {
    if (wholePassword) break;
    const found = MatchDictionary.prototype.match.call(this, {
      ...options,
      password: reading.password,
      useLevenshtein: reading.isFullSubstitution,
    });
    for (const match of found) {
      const extras = inPassword(reading.changes, match.i, match.j);
      wholePassword ||= extras.i === 0 && extras.j === password.length - 1;
      const token = password.slice(extras.i, extras.j + 1);
      // Without a substitution inside, it is a plain dictionary match, found by that matcher.
      if (token.toLowerCase() === match.matchedWord) continue;
      const identity = `${extras.i}\u0000${extras.j}\u0000${match.dictionaryName}\u0000${match.matchedWord}`;
      if (kept.has(identity)) continue;
      kept.add(identity);
      matches.push({ ...match, l33t: true, token, ...extras });
    }
  }
  // As in the library: single-character l33t matches ('4' for 'a') are only noise.
  return matches.filter((match) => match.token.length > 1);
}

/** Swaps the library's dictionary and l33t passes for the faster ones above, in this thread. */
export function installFastDictionaryMatcher(): void {
  MatchDictionary.prototype.match = fastDictionaryMatch;
  MatchL33t.prototype.match = fastL33tMatch;
}

/** Puts the library's own passes back (for the equivalence test). */
export function uninstallFastDictionaryMatcher(): void {
  MatchDictionary.prototype.match = libraryDictionaryMatch;
  MatchL33t.prototype.match = libraryL33tMatch;
}
