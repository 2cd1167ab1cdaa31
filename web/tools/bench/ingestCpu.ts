import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the CPU of the HTTP ingest phase goes: the server's main thread (HTTP, parsing,
 * validation, pseudonyms, the duplicate check, handing rows to DuckDB), its other threads
 * (DuckDB's commits, libuv's pool), the bench's own load generator, and how much of the
 * machine stayed idle. Read from /proc (Linux), before and after the phase.
 */

/** Linux reports a thread's times in USER_HZ ticks, 100 a second on every architecture it runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) from the text of /proc/<pid>/task/<tid>/stat. */
export function statCpuSeconds(stat: string): number {
  // The command name, in parentheses, may itself hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the line, utime 14 and stime 15.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The machine's idle and total CPU time from /proc/stat's first line, in ticks. */
export function machineTicks(procStat: string): { idle: number; total: number } {
  const values = procStat.split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait ...: waiting for the disk is idle time too.
  return { idle: (values[3] ?? 0) + (values[4] ?? 0), total: values.reduce((sum, v) => sum + v, 0) };
}

export interface CpuReading {
  /** CPU seconds of each of the server's threads, by thread id (the main thread's id is its pid). */
  serverThreads: Map<number, number>;
  serverPid: number;
  /** This process's CPU seconds (the load generator). */
  loaderSeconds: number;
  machine: { idle: number; total: number };
}

/** A reading now, or undefined when the server's /proc entry is gone (it exited). */
export function readCpu(serverPid: number): CpuReading | undefined {
  try {
    const serverThreads = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${serverPid}/task`)) {
      // A thread may end between the listing and the read.
      try {
        serverThreads.set(Number(tid), statCpuSeconds(readFileSync(`/proc/${serverPid}/task/${tid}/stat`, 'utf8')));
      } catch {
        continue;
      }
    }
    const own = process.cpuUsage();
    return { serverThreads, serverPid, loaderSeconds: (own.user + own.system) / 1e6, machine: machineTicks(readFileSync('/proc/stat', 'utf8')) };
  } catch {
    return undefined;
  }
}

export interface IngestCpu {
  /** Microseconds of CPU per event handled (acknowledged or found a duplicate). */
  serverMainUsPerEvent: number;
  serverOtherThreadsUsPerEvent: number;
  loaderUsPerEvent: number;
  /** The server's CPU over the phase's wall time: 1 is one core busy all along. */
  serverCores: number;
  /** Share of the machine's CPU time (all cores) nobody used during the phase. */
  machineIdleShare: number;
}

/** The split between two readings of a phase that handled `events` events in `seconds`. */
export function ingestCpu(before: CpuReading, after: CpuReading, events: number, seconds: number): IngestCpu {
  let main = 0;
  let other = 0;
  for (const [tid, cpu] of after.serverThreads) {
    // A thread started during the phase used all its time in it.
    const used = cpu - (before.serverThreads.get(tid) ?? 0);
    if (tid === after.serverPid) main += used;
    else other += used;
  }
  const perEvent = (cpuSeconds: number) => (events > 0 ? (cpuSeconds * 1e6) / events : 0);
  const total = after.machine.total - before.machine.total;
  return {
    serverMainUsPerEvent: perEvent(main),
    serverOtherThreadsUsPerEvent: perEvent(other),
    loaderUsPerEvent: perEvent(after.loaderSeconds - before.loaderSeconds),
    serverCores: seconds > 0 ? (main + other) / seconds : 0,
    machineIdleShare: total > 0 ? (after.machine.idle - before.machine.idle) / total : 0,
  };
}
