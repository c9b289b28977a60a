/** How a {@link RangeCache} is bounded, and the clock it reads (replaced in tests). */
export interface RangeCacheOptions {
  /** Prefixes kept at most; the least recently used goes first. */
  maxEntries: number;
  /** How long an answer is used after it was fetched, in milliseconds. */
  ttlMs: number;
  clock?: () => number;
}

/**
 * Range answers by prefix: bounded (least recently used dropped first) and each kept only for its
 * lifetime, counted from when it was fetched, so a password breached since is found a day later at
 * most. A `Map` keeps insertion order: re-inserting on a hit makes its first key the least recent.
 */
export class RangeCache<Value> {
  private readonly entries = new Map<string, { value: Value; expiresAt: number }>();
  private readonly clock: () => number;

  constructor(private readonly options: RangeCacheOptions) {
    this.clock = options.clock ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(prefix: string): Value | undefined {
    const entry = this.entries.get(prefix);
    if (entry === undefined) return undefined;
    this.entries.delete(prefix);
    if (entry.expiresAt <= this.clock()) return undefined;
    this.entries.set(prefix, entry);
    return entry.value;
  }

  set(prefix: string, value: Value): void {
    this.entries.delete(prefix);
    this.entries.set(prefix, { value, expiresAt: this.clock() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
