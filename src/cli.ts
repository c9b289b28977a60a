import { CommandFactory } from 'nest-commander';
import { CliModule } from './app/cli/cli.module';

/**
 * `npm run cli -- <command>` (after `npm run build`): commands against the service's database and
 * mail server, with the service's environment (`.env` and the process's), whether or not the service
 * is running.
 */
async function main(): Promise<void> {
  // Throws, naming every bad variable, as the service's start-up does.
  const root = CliModule.forRoot();
  await CommandFactory.run(root, {
    // What the commands print is the output; the service's own logs only when something is wrong.
    logger: ['error', 'warn'],
    cliName: 'npm run cli --',
    errorHandler: (error) => {
      // commander's own exits (--help, a missing argument) have already printed what to do.
      const { exitCode } = error as { exitCode?: number };
      process.exit(exitCode ?? 1);
    },
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
