/**
 * Every process the bench starts, so that all of them are stopped on the way out: after a normal run,
 * on an error, on Ctrl-C, and (by SIGKILL, synchronously) when the orchestrator exits for any reason.
 * Output goes to a log file per process (never a pipe the orchestrator must keep reading: a busy
 * orchestrator would otherwise stall a child that logs), and the tail is shown when something fails.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<string>;
  hasExited(): boolean;
  /** "code 1", "signal SIGTERM"; undefined while running. */
  exitStatus(): string | undefined;
}

const running = new Set<Managed>();

export interface LaunchOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Open an IPC channel (for helpers serving commands). */
  ipc?: boolean;
}

/** Starts `node <args>` (the same Node binary as the orchestrator), logging to `<logDir>/<name>.log`. */
export function launchNode(name: string, args: string[], options: LaunchOptions): Managed {
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: options.ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`Could not start ${name}`);
  let status: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal ? `signal ${signal}` : `code ${code}`;
      running.delete(managed);
      resolve(status);
    });
    child.once('error', (error) => {
      status = `error: ${error.message}`;
      running.delete(managed);
      resolve(status);
    });
  });
  const managed: Managed = {
    name,
    child,
    pid: child.pid,
    logFile,
    exited,
    hasExited: () => status !== undefined,
    exitStatus: () => status,
  };
  running.add(managed);
  return managed;
}

/** Process ids of the children still running. */
export function livePids(): number[] {
  return [...running].filter((managed) => !managed.hasExited()).map((managed) => managed.pid);
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopProcess(managed: Managed, graceMs = 10_000): Promise<void> {
  if (managed.hasExited()) return;
  managed.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (!managed.hasExited()) managed.child.kill('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([managed.exited, killed]);
  clearTimeout(timer);
  await managed.exited;
}

export async function stopAll(graceMs = 10_000): Promise<void> {
  await Promise.all([...running].map((managed) => stopProcess(managed, graceMs)));
}

/** For `process.on('exit')`, where only synchronous work runs. */
export function killAllNow(): void {
  for (const managed of running) {
    if (!managed.hasExited()) managed.child.kill('SIGKILL');
  }
}

/** The last `lines` lines of a process's log, for error messages. */
export function logTail(managed: Managed, lines = 30): string {
  if (!existsSync(managed.logFile)) return '(no log)';
  const text = readFileSync(managed.logFile, 'utf8').trimEnd();
  const tail = text.split('\n').slice(-lines).join('\n');
  return tail.length > 0 ? tail : '(empty log)';
}

/** The last line of the log that names an error, if any: the gist of why a process stopped. */
export function lastError(managed: Managed): string | undefined {
  if (!existsSync(managed.logFile)) return undefined;
  const lines = readFileSync(managed.logFile, 'utf8')
    // Nest colours its log lines: drop the ANSI colour codes.
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')
    .map((line) => line.trim());
  return lines.reverse().find((line) => /error|exception|cannot|failed/i.test(line));
}

/** VmHWM and VmRSS of a live process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]) * 1024;
  };
  return { hwm: field('VmHWM'), rss: field('VmRSS') };
}
