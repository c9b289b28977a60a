import fc from 'fast-check';
import { useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';
import { Forgot, lifecycleCommand, Login, Register } from './lifecycle-commands';
import { newModel } from './lifecycle-model';
import { LifecycleSystem } from './lifecycle-system';
import { describeFailure, modelRunOptions } from './model-replay';

/**
 * Short sequences: most rules break within a few steps, shrinking stays quick, and 200 of them run
 * in a few minutes on a small machine.
 */
const MAX_COMMANDS = 15;

/**
 * Limits would turn long runs into 429s and locks that the model does not describe: the checks
 * after each command verify every link of an account, far more requests than the test defaults.
 */
const MODEL_ENV = {
  FORGOT_PASSWORD_LIMIT: '1000000',
  LOGIN_LIMIT: '1000000',
  RESET_PASSWORD_LIMIT: '1000000',
  REGISTER_LIMIT: '1000000',
  CHANGE_PASSWORD_LIMIT: '100000',
  RESET_EMAIL_DAILY_LIMIT: '0',
  LOGIN_MAX_FAILURES: '1000',
  LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
  // Reset emails carry a code. Its limits (five wrong tries burn it; ten refused codes for an
  // address lock out the network every request comes from) are fixed, so the model describes them.
  RESET_CODE_ENABLED: 'true',
};

/**
 * Every sequence opens with an account that is signed in and has a link: commands that need a
 * session or a link are skipped until one exists, and random sequences would spend most of their
 * length getting there. The generated commands after these are what fast-check shrinks.
 */
function opening() {
  return [new Register('a'), new Login('a', 'current'), new Forgot('a')];
}

describe.each(databaseKinds())('Token lifecycle against a model (%s)', (kind) => {
  // One app, database and SMTP server for every sequence: booting is the expensive part, and each
  // sequence uses addresses of its own.
  const ctx = useTestApp(kind, MODEL_ENV);
  const options = modelRunOptions();

  it(
    `should keep links, sessions and mail to the rules over ${options.numRuns} random command sequences`,
    async () => {
      const sequences = fc.commands([lifecycleCommand()], {
        maxCommands: MAX_COMMANDS,
        size: 'max',
        replayPath: options.replayPath,
      });
      const property = fc.asyncProperty(sequences, (commands) =>
        fc.asyncModelRun(
          () => ({ model: newModel(), real: new LifecycleSystem(ctx) }),
          [...opening(), ...commands],
        ),
      );
      // Unbiased: fast-check otherwise favours very short sequences, which say little here.
      const details = await fc.check(property, { ...options.parameters, unbiased: true });
      if (details.failed) throw new Error(describeFailure(kind, details));
    },
    Math.max(120_000, options.numRuns * 3_000),
  );
});
