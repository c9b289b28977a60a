import { retryDelayMs } from './retry-policy';

describe('retryDelayMs', () => {
  it('should double the delay with each attempt', () => {
    const middle = () => 0.5; // jitter factor 1.0
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 5, middle))).toEqual([
      5000, 10000, 20000, 40000,
    ]);
  });

  it('should spread retries by ±25% around the exponential delay', () => {
    expect(retryDelayMs(3, 5, () => 0)).toBe(15000);
    expect(retryDelayMs(3, 5, () => 0.999999)).toBeCloseTo(25000, -1);
    const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(2, 5)));
    expect(seen.size).toBeGreaterThan(1);
    for (const delay of seen) {
      expect(delay).toBeGreaterThanOrEqual(7500);
      expect(delay).toBeLessThan(12500);
    }
  });
});
