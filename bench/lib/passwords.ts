/**
 * Deterministic test data: realistic passphrases (what a person using a password manager or the
 * "several words" advice would type) and crafted 128-character strings that are expensive for a
 * pattern-matching strength estimator.
 */
import { dictionary } from '@zxcvbn-ts/language-en';

/** A small seeded pseudo-random generator (xorshift32 with an odd-constant mix of the seed). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 0x6d2b79f5;
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x / 0x1_0000_0000;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

let wordList: string[] | undefined;

/** Common English words of rank 2,000 to 20,000: real words, but not the most guessable ones. */
function words(): string[] {
  if (!wordList) {
    const common = dictionary['commonWords-en'] as readonly string[];
    wordList = common.slice(2000, 20000).filter((word) => /^[a-z]{4,9}$/.test(word));
  }
  return wordList;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function styled(random: SeededRandom, word: string): string {
  const style = random.int(4);
  if (style === 0) return word;
  if (style === 1) return word.toUpperCase();
  return capitalise(word);
}

function digits(random: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(random.int(10));
  return out;
}

function hexGroup(random: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += random.int(16).toString(16);
  return out;
}

/** One passphrase of 20 to 40 characters: 2 to 4 words, separators and digit groups. */
function passphrase(random: SeededRandom): string {
  const list = words();
  for (;;) {
    const separator = random.pick(['-', '_', '.', ' ']);
    const shape = random.int(4);
    let parts: string[];
    if (shape === 0) {
      // Lantern-1a2b3c4d-Quokka-17
      parts = [
        capitalise(random.pick(list)),
        hexGroup(random, 8),
        capitalise(random.pick(list)),
        digits(random, 2),
      ];
    } else if (shape === 1) {
      // violet tractor sings at midnight 42
      parts = [
        random.pick(list),
        random.pick(list),
        random.pick(list),
        random.pick(list),
        digits(random, 2),
      ];
    } else if (shape === 2) {
      // Harbor.4821.Velvet.Kettle
      parts = [
        styled(random, random.pick(list)),
        digits(random, 4),
        styled(random, random.pick(list)),
        styled(random, random.pick(list)),
      ];
    } else {
      // quiet_HAMMER_58231
      parts = [
        styled(random, random.pick(list)),
        styled(random, random.pick(list)),
        digits(random, 5),
      ];
    }
    const candidate = parts.join(separator);
    if (candidate.length >= 20 && candidate.length <= 40) return candidate;
  }
}

/**
 * An endless, reproducible source of distinct passphrases. Each bench scenario takes its own
 * generator (its own seed), so adding a scenario does not change another's passwords.
 */
export class PassphraseSource {
  private readonly random: SeededRandom;
  private readonly seen = new Set<string>();

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  next(): string {
    for (;;) {
      const candidate = passphrase(this.random);
      if (!this.seen.has(candidate)) {
        this.seen.add(candidate);
        return candidate;
      }
    }
  }

  take(count: number): string[] {
    return Array.from({ length: count }, () => this.next());
  }
}

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** 128-character strings built from repeated, sequential, keyboard and l33t patterns. */
export function craftedPasswords(): string[] {
  const units = [
    'p@$$w0rd',
    '1234567890',
    'a',
    '4@',
    'qwertyuiop',
    '19701970',
    'abcdefghijklmnopqrstuvwxyz0123456789',
    'password',
    'P4ssw0rd!',
    '1q2w3e4r5t',
    'qazwsxedcrfv',
    '!@#$%^&*()',
    'zxcvbnm,./',
    'abc123',
    '01/01/1970',
    'correcthorsebatterystaple',
    'qwertyuiopasdfghjklzxcvbnm',
    'Aa1!',
    '0987654321',
    'iloveyou',
    'dragon2000',
    'zyxwvutsrqponmlkjihgfedcba',
    'aA',
    '1a2b3c4d5e6f',
  ];
  return units.map((unit) => repeatTo(unit, 128));
}
