import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { BACKGROUND_NICE } from '../../common/process/thread-pool-priority';
import type { StrengthResult, StrengthTask } from './password-strength.types';

/** A check that has not finished by then is abandoned and its thread replaced. */
export const STRENGTH_CHECK_TIMEOUT_MS = 2_000;
/** Starting a thread loads the dictionaries (and, under ts-node, the compiler): not part of a budget. */
const WARM_UP_TIMEOUT_MS = 60_000;
/** Each thread holds zxcvbn's dictionaries and their index (about 65 MiB); this bounds what one can grow to. */
const WORKER_HEAP_LIMIT_MB = 128;
/**
 * A check allocates a few megabytes of short-lived objects; a small young generation collects them
 * often and cheaply instead of letting the thread's memory grow by tens of megabytes.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * The built worker is JavaScript; under ts-jest and ts-node the sources are TypeScript, which a new
 * thread can load only through ts-node's require hook.
 */
function workerScript(): { filename: string; execArgv: string[] } {
  const built = join(__dirname, 'password-strength.worker.js');
  if (existsSync(built)) return { filename: built, execArgv: [] };
  return {
    filename: join(__dirname, 'password-strength.worker.ts'),
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
  };
}

/**
 * zxcvbn in worker threads. A check costs milliseconds of CPU (crafted input once cost over a second),
 * so it never runs on the event loop: requests keep being answered while passwords are scored. One
 * thread per spare core (at least one, at most four), started with the application and warmed up
 * before the first check is timed, so the budget measures the check and not the thread's start.
 */
@Injectable()
export class PasswordStrengthPool implements OnModuleDestroy {
  private readonly logger = new Logger(PasswordStrengthPool.name);
  private readonly pool: Piscina<StrengthTask, StrengthResult>;
  private readonly ready: Promise<void>;
  private closing = false;

  constructor() {
    const threads = Math.max(1, Math.min(4, availableParallelism() - 1));
    const { filename, execArgv } = workerScript();
    this.pool = new Piscina({
      filename,
      execArgv,
      minThreads: threads,
      maxThreads: threads,
      // Loading the dictionaries takes a few hundred milliseconds: keep the threads.
      idleTimeout: Number.MAX_SAFE_INTEGER,
      maxQueue: 'auto',
      // Below the event loop, like argon2's threads (see lowerThreadPoolPriority).
      niceIncrement: BACKGROUND_NICE,
      resourceLimits: {
        maxOldGenerationSizeMb: WORKER_HEAP_LIMIT_MB,
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
      },
    });
    this.ready = this.warmUp();
  }

  /** Scores the password in a worker thread, within {@link STRENGTH_CHECK_TIMEOUT_MS}. */
  async check(task: StrengthTask): Promise<StrengthResult> {
    await this.ready;
    try {
      return await this.pool.run(task, { signal: AbortSignal.timeout(STRENGTH_CHECK_TIMEOUT_MS) });
    } catch (error) {
      // Overload (a full queue) or a check over its budget: nothing the password itself says.
      this.logger.warn(`Password strength check not done: ${(error as Error).name}`);
      throw new PasswordResetError(
        PasswordResetErrorCode.Busy,
        'The password could not be checked right now. Try again in a moment.',
      );
    }
  }

  /** Waits for the threads to load zxcvbn; a failure here shows up again, as Busy, at the first check. */
  private async warmUp(): Promise<void> {
    try {
      await this.pool.run(
        { password: 'warm-up', userInputs: [] },
        { signal: AbortSignal.timeout(WARM_UP_TIMEOUT_MS) },
      );
    } catch (error) {
      // Closed while starting (an application stopped at once) is not a failure to start.
      if (this.closing) return;
      this.logger.error(`The password strength threads did not start: ${(error as Error).message}`);
    }
  }

  /** Resolves once the threads have loaded zxcvbn (or failed to). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** How many checks the threads have finished (for tests and metrics). */
  get completed(): number {
    return this.pool.completed;
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.pool.destroy();
  }
}
