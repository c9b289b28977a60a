import type { Parameters, RunDetails } from 'fast-check';

/** How many sequences CI runs per database; `MODEL_RUNS` raises or lowers it locally. */
export const DEFAULT_RUNS = 200;

/** What the environment asks of a model run: how many sequences, or which failure to replay. */
export interface ModelRunOptions {
  numRuns: number;
  /** For `fc.commands`: replays exactly the commands of a reported failure. */
  replayPath?: string;
  parameters: Parameters<[unknown]>;
}

/**
 * Reads `MODEL_RUNS`, and `MODEL_SEED`, `MODEL_PATH` and `MODEL_REPLAY_PATH`, which a failure
 * prints so it can be run again as it was.
 */
export function modelRunOptions(env: NodeJS.ProcessEnv = process.env): ModelRunOptions {
  const numRuns = env.MODEL_RUNS ? Number(env.MODEL_RUNS) : DEFAULT_RUNS;
  if (!Number.isInteger(numRuns) || numRuns < 1) {
    throw new Error(`MODEL_RUNS must be a positive integer, got ${env.MODEL_RUNS}`);
  }
  const seed = env.MODEL_SEED ? Number(env.MODEL_SEED) : undefined;
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new Error(`MODEL_SEED must be an integer, got ${env.MODEL_SEED}`);
  }
  if (env.MODEL_PATH && seed === undefined) throw new Error('MODEL_PATH needs MODEL_SEED');
  return {
    numRuns,
    replayPath: env.MODEL_REPLAY_PATH || undefined,
    parameters: {
      numRuns,
      ...(seed === undefined ? {} : { seed }),
      ...(env.MODEL_PATH ? { path: env.MODEL_PATH } : {}),
    },
  };
}

/**
 * The failure as a reader wants it: the shrunk script with the broken step and rule (from the
 * error), then the command line that runs exactly this case again.
 */
export function describeFailure(label: string, details: RunDetails<[unknown]>): string {
  if (!details.failed) return '';
  if (details.counterexample === null) {
    return `${label}: the model run ${details.interrupted ? 'was interrupted' : 'skipped too often'}`;
  }
  const error = details.errorInstance;
  const reason = error instanceof Error ? error.message : String(error);
  // fast-check appends the commands' replay path to the counterexample's text: /*replayPath="…"*/
  const replayPath = /\/\*replayPath="([^"]*)"\*\//.exec(String(details.counterexample[0]))?.[1];
  const replay = [
    `MODEL_SEED=${details.seed}`,
    `MODEL_PATH=${details.counterexamplePath}`,
    ...(replayPath ? [`MODEL_REPLAY_PATH='${replayPath}'`] : []),
  ].join(' ');
  const shrinks = details.numShrinks === 1 ? '1 time' : `${details.numShrinks} times`;
  return [
    `${label}: the service broke the model in sequence ${details.numRuns} (shrunk ${shrinks}),`,
    reason,
    '',
    `Replay: ${replay} npx jest --selectProjects model`,
  ].join('\n');
}
