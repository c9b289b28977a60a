import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { format } from 'node:util';

/**
 * A logger that records every line at every level (verbose and debug included) so tests can prove
 * that no secret is ever logged. Prints nothing unless LOG_TESTS is set.
 */
export class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];

  constructor() {
    super('Test', { logLevels: ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] });
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
  ): void {
    for (const message of messages)
      this.lines.push(`${logLevel} [${context}] ${format('%o', message)}`);
    if (process.env.LOG_TESTS) super.printMessages(messages, context, logLevel);
  }

  protected override printStackTrace(stack: string): void {
    this.lines.push(`stack ${stack}`);
  }

  text(): string {
    return this.lines.join('\n');
  }
}
