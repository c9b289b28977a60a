import { randomFill } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** How much lower than the event loop the CPU-heavy threads run (a nice value, 0–19). */
export const BACKGROUND_NICE = 10;

/**
 * Starts libuv's thread pool and lowers its threads' scheduling priority by {@link BACKGROUND_NICE}.
 * argon2 hashes there, tens of milliseconds of CPU each: under load they would take the CPU from the
 * event loop, and every other request (a health probe, a page) would wait behind them. At a lower
 * priority they still use every idle cycle, so hashing throughput is unchanged, but the event loop
 * runs first whenever it has work. Linux gives each thread its own nice value; elsewhere, or if the
 * pool had already started (its threads cannot then be told apart), nothing changes. Call it first
 * thing at start-up. Returns how many threads it lowered.
 */
export async function lowerThreadPoolPriority(): Promise<number> {
  if (process.platform !== 'linux') return 0;
  const before = new Set(readdirSync('/proc/self/task'));
  // Any asynchronous crypto call starts the pool, with all of its threads at once.
  await new Promise((resolve) => randomFill(new Uint8Array(1), resolve));
  const started = readdirSync('/proc/self/task').filter((thread) => !before.has(thread));
  for (const thread of started) setPriority(Number(thread), BACKGROUND_NICE);
  return started.length;
}
