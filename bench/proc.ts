// CPU time from /proc, read by the bench itself: each server process's (there even when it is
// too busy to answer), the PostgreSQL backends' and Redis's that serve it, and the whole
// machine's (to see whether something else ran during a measurement).
// Linux only; elsewhere these say undefined and the figures print as n/a.
import { readFileSync } from 'node:fs';

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SEC = 100;

/** User + system CPU time of a process, ms. */
export function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of proc_pid_stat(5); this array starts at field 3.
    return ticksToMs(Number(fields[14 - 3]) + Number(fields[15 - 3]));
  } catch {
    return undefined;
  }
}

/** CPU time of each of `pids` that is still running, ms: a process that has exited is left out. */
export function processesCpuMs(pids: Iterable<number>): Map<number, number> {
  const times = new Map<number, number>();
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) times.set(pid, ms);
  }
  return times;
}

/**
 * CPU used between two readings of `processesCpuMs`, ms. A process first seen in `last` was
 * born in between, so all its time counts; one missing from `last` exited, and its time since
 * `first` is lost (short-lived processes are undercounted, never overcounted).
 */
export function cpuBetween(first: Map<number, number>, last: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of last) total += ms - (first.get(pid) ?? 0);
  return total;
}

/** CPU time spent not idle, summed over all cores, ms (user, nice, system, irq, softirq, steal). */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ticksToMs(user + nice + system + irq + softirq + (steal ?? 0));
  } catch {
    return undefined;
  }
}

function ticksToMs(ticks: number): number {
  return (ticks * 1000) / CLOCK_TICKS_PER_SEC;
}
