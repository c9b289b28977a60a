/**
 * Helper process: the floor for the password routes. Raw `argon2.hash` calls at the service's cost,
 * `concurrency` in flight, on the same default libuv thread pool a Node process gets. Only hashes
 * that finish inside the window count (like answers inside an autocannon run); the ones still in
 * flight at the end are awaited, uncounted, so they cannot spill into the next slice.
 */
import * as argon2 from 'argon2';
import { serveCommands } from './lib/ipc';

export interface FloorRun {
  seconds: number;
  concurrency: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface FloorResult {
  completed: number;
  durationMs: number;
}

let counter = 0;

async function run(spec: FloorRun): Promise<FloorResult> {
  const options: argon2.HashOptions = {
    type: argon2.argon2id,
    memoryCost: spec.memoryCost,
    timeCost: spec.timeCost,
    parallelism: spec.parallelism,
  };
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  let completed = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await argon2.hash(`Lantern-${(counter++).toString(16).padStart(8, '0')}-Quokka-17`, options);
      if (performance.now() <= deadline) completed++;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, lane));
  return { completed, durationMs: spec.seconds * 1000 };
}

serveCommands({ run: (payload) => run(payload as FloorRun) });
