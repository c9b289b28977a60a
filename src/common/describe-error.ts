/**
 * A one-line description of an error for logs: its class and message, never a stack of request data.
 * Callers never put secrets in messages, and errors from the mailer or database do not contain them.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
