import { CliError, Say } from './link-sender.service';

/**
 * Runs a command's work, printing what it did on stdout; a refusal goes to stderr, alone, and the
 * exit code is 1 (anything else unexpected too, with its message only: it may come from a driver).
 */
export async function runReporting(work: (say: Say) => Promise<void>): Promise<void> {
  try {
    await work((text) => process.stdout.write(`${text}\n`));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${error instanceof CliError ? '' : 'Error: '}${message}\n`);
    process.exitCode = 1;
  }
}
