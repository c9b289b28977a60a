/**
 * How busy the machine was with work that is not the bench's: the CPU time of every process outside
 * the bench's own process tree (the orchestrator, the service, the floors and helpers), read from
 * /proc. Kernel threads are left out (much of their work — loopback networking, journaling the
 * database file — is done for the bench), and so is a local PostgreSQL server when the bench uses it.
 * Another job running alongside (a test suite, a build) skews every figure: the bench waits for it
 * and measures a slice again when it took a noticeable share (see `measured` in run.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Linux reports these files in USER_HZ, which is 100 on every mainstream build. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  /** CPU seconds of the processes outside the bench (with their reaped children). */
  others: number;
  /** CPU seconds the hypervisor gave to other guests while this one wanted to run. */
  steal: number;
}

interface ProcessStat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readStat(pid: string): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  // After the name: state ppid ... utime(11) stime(12) cutime(13) cstime(14), counted from state.
  const fields = stat.slice(close + 2).split(' ');
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return {
    pid: Number(stat.slice(0, open).trim()),
    ppid: Number(fields[1]),
    comm: stat.slice(open + 1, close),
    // A child's time moves into its parent's cutime/cstime when reaped: counting both keeps the sum
    // steady across a child's exit.
    ticks: utime + stime + cutime + cstime,
  };
}

/** Names of processes whose work is done for the bench (e.g. `postgres` for a local database). */
export function cpuSnapshot(ownWork: readonly string[] = []): CpuSnapshot {
  const stats = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(readStat)
    .filter((stat): stat is ProcessStat => stat !== undefined);
  const parents = new Map(stats.map((stat) => [stat.pid, stat.ppid]));
  const ours = (pid: number): boolean => {
    for (let current = pid, hops = 0; current > 1 && hops < 64; hops++) {
      if (current === process.pid) return true;
      current = parents.get(current) ?? 0;
    }
    return false;
  };
  let others = 0;
  for (const stat of stats) {
    const kernelThread = stat.pid === 2 || stat.ppid === 2;
    if (kernelThread || ours(stat.pid) || ownWork.includes(stat.comm)) continue;
    others += stat.ticks;
  }
  const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const steal = Number(cpuLine[8] ?? 0);
  return { others: others / TICKS_PER_SECOND, steal: steal / TICKS_PER_SECOND };
}

/** CPU seconds other processes used between two snapshots (never below 0). */
export function foreignCpu(before: CpuSnapshot, after: CpuSnapshot): number {
  return Math.max(0, after.others - before.others);
}

/** CPU seconds stolen by the hypervisor between two snapshots. */
export function stolenCpu(before: CpuSnapshot, after: CpuSnapshot): number {
  return Math.max(0, after.steal - before.steal);
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}
