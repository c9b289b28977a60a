import { RangeCache } from './range-cache';

describe(RangeCache.name, () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('should keep an answer for its lifetime, and no longer', () => {
    const cache = new RangeCache<string>({ maxEntries: 10, ttlMs: 1000, clock });
    cache.set('ABCDE', 'range');

    now += 999;
    expect(cache.get('ABCDE')).toBe('range');
    now += 1;
    expect(cache.get('ABCDE')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('should drop the least recently used prefix when full', () => {
    const cache = new RangeCache<string>({ maxEntries: 2, ttlMs: 1000, clock });
    cache.set('AAAAA', 'a');
    cache.set('BBBBB', 'b');
    expect(cache.get('AAAAA')).toBe('a');

    cache.set('CCCCC', 'c');

    expect(cache.get('BBBBB')).toBeUndefined();
    expect(cache.get('AAAAA')).toBe('a');
    expect(cache.get('CCCCC')).toBe('c');
    expect(cache.size).toBe(2);
  });

  it('should not let a refreshed answer extend the lifetime it was fetched with', () => {
    const cache = new RangeCache<string>({ maxEntries: 2, ttlMs: 1000, clock });
    cache.set('AAAAA', 'a');
    now += 600;
    expect(cache.get('AAAAA')).toBe('a');
    now += 600;

    expect(cache.get('AAAAA')).toBeUndefined();
  });
});
