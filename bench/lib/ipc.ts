/**
 * Request/reply over a child process's IPC channel. Helper processes (SMTP sink, argon2 floor, health
 * probe, nodemailer ceiling) serve named commands; the orchestrator calls them with a timeout.
 */
import type { ChildProcess } from 'node:child_process';

interface CommandMessage {
  id: number;
  command: string;
  payload: unknown;
}

interface ReplyMessage {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

interface ReadyMessage {
  ready: true;
}

type Handler = (payload: unknown) => unknown;

function isCommand(message: unknown): message is CommandMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as CommandMessage).id === 'number' &&
    typeof (message as CommandMessage).command === 'string'
  );
}

function isReply(message: unknown): message is ReplyMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as ReplyMessage).id === 'number' &&
    typeof (message as ReplyMessage).ok === 'boolean'
  );
}

/** Child side: answers each command with its handler's (awaited) result; exits when the parent goes. */
export function serveCommands(handlers: Record<string, Handler>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('This helper must be started by bench/run.ts (no IPC channel)');
  const reply = (message: ReplyMessage): void => {
    send(message);
  };
  process.on('message', (message: unknown) => {
    if (!isCommand(message)) return;
    const handler = handlers[message.command];
    if (!handler) {
      reply({ id: message.id, ok: false, error: `Unknown command ${message.command}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.payload))
      .then(
        (result) => reply({ id: message.id, ok: true, result }),
        (error: unknown) =>
          reply({
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  // The orchestrator going away (even by SIGKILL) closes the channel: never outlive it.
  process.once('disconnect', () => process.exit(0));
  const ready: ReadyMessage = { ready: true };
  send(ready);
}

/** Parent side of one helper's channel. */
export class CommandChannel {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  private readonly ready: Promise<void>;
  private closedReason?: string;

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
    readyTimeoutMs = 30_000,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      child.on('message', (message: unknown) => {
        if (typeof message === 'object' && message !== null && 'ready' in message) {
          clearTimeout(timer);
          resolve();
          return;
        }
        if (!isReply(message)) return;
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        clearTimeout(waiter.timer);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(`${name}: ${message.error ?? 'failed'}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.closedReason = `${name} exited (code ${code}, signal ${signal})`;
        reject(new Error(this.closedReason));
        for (const waiter of this.pending.values()) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(this.closedReason));
        }
        this.pending.clear();
      });
    });
    // Callers await `whenReady()`; an early failure must not surface as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  async call<T>(command: string, payload: unknown = {}, timeoutMs = 30_000): Promise<T> {
    await this.ready;
    if (this.closedReason) throw new Error(this.closedReason);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${command} took more than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: (value) => resolve(value as T), reject, timer });
      const message: CommandMessage = { id, command, payload };
      this.child.send(message, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      });
    });
  }
}
