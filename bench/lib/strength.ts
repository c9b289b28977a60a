/**
 * Row 7a: CPU time of the service's own password-strength checker, called in this process (it is a
 * synchronous function; the service runs it in worker threads). Loaded from the TypeScript source
 * through ts-node, which is what `npm run bench` runs under.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { median, max } from './stats';

/** The checker's contract (the default export of password-strength.worker.ts under src/). */
export type CheckStrength = (task: { password: string; userInputs: string[] }) => {
  score: number;
};

/**
 * Where the checker was first specified to live; when it is not there (it has since moved to
 * src/passwords/strength/), the file of that name is looked for anywhere under src/.
 */
export const CHECKER_MODULE = 'src/auth/strength/password-strength.worker';
const CHECKER_FILE = 'password-strength.worker.ts';

function findUnder(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = findUnder(path, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** The checker and the module it came from, or the reason it cannot be loaded. */
export async function loadChecker(
  projectRoot: string,
): Promise<{ check: CheckStrength; module: string } | { error: string }> {
  const expected = join(projectRoot, `${CHECKER_MODULE}.ts`);
  const file = existsSync(expected) ? expected : findUnder(join(projectRoot, 'src'), CHECKER_FILE);
  if (!file) return { error: `no ${CHECKER_FILE} under src/ (expected ${CHECKER_MODULE}.ts)` };
  const module = relative(projectRoot, file).replace(/\.ts$/, '');
  try {
    // A computed path: the file is someone else's work in progress, absent when this compiles.
    const loaded = (await import(file.replace(/\.ts$/, ''))) as { default?: unknown };
    if (typeof loaded.default !== 'function') {
      return { error: `${module}.ts has no default-exported function` };
    }
    return { check: loaded.default as CheckStrength, module };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { error: `${module}.ts could not be loaded: ${message}` };
  }
}

export interface TimingSummary {
  count: number;
  /** CPU time of this process (all its threads) during each call: user + system. */
  medianMs: number;
  maxMs: number;
  /** Wall time of the same calls. */
  wallMedianMs: number;
  wallMaxMs: number;
  slowest: string;
  /** Passwords scoring at least 3, i.e. the default policy would accept them. */
  accepted: number;
}

/**
 * Times one call per password (after warm-up calls, which load the dictionaries), with the account's
 * email as user input like the service passes. Stops early once `budgetMs` is spent.
 */
export function timeChecker(
  check: CheckStrength,
  passwords: readonly string[],
  budgetMs: number,
): TimingSummary {
  const email = 'casey.jordan@bench.example';
  const userInputs = [email, email.split('@')[0]];
  const times: number[] = [];
  const walls: number[] = [];
  let slowest = '';
  let accepted = 0;
  const stopAt = performance.now() + budgetMs;
  for (const password of passwords) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const { score } = check({ password, userInputs });
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const ms = (cpu.user + cpu.system) / 1000;
    if (times.length === 0 || ms > max(times)) slowest = password;
    times.push(ms);
    walls.push(wall);
    if (score >= 3) accepted++;
    if (performance.now() > stopAt) break;
  }
  return {
    count: times.length,
    medianMs: median(times),
    maxMs: max(times),
    wallMedianMs: median(walls),
    wallMaxMs: max(walls),
    slowest,
    accepted,
  };
}

export function warmUp(check: CheckStrength, passwords: readonly string[]): number {
  const started = performance.now();
  for (const password of passwords) check({ password, userInputs: [] });
  return performance.now() - started;
}
