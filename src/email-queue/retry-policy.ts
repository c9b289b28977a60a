/**
 * Exponential backoff with jitter: attempt n (1-based) waits base·2^(n-1) seconds, scaled by a random
 * factor in [0.75, 1.25) so that instances recovering together do not retry in lockstep.
 */
export function retryDelayMs(
  attempt: number,
  baseSeconds: number,
  random: () => number = Math.random,
): number {
  const exponential = baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1);
  return Math.round(exponential * (0.75 + random() * 0.5));
}
