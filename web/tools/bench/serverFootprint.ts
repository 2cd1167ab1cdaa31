import { existsSync, readFileSync, statSync } from 'node:fs';

/** Peak (VmHWM) and current (VmRSS) resident set of a process, in bytes. */
export interface ProcessMemory {
  peakRssBytes: number;
  rssBytes: number;
}

/** A process's memory, from /proc (Linux). */
export function processMemory(pid: number): ProcessMemory | undefined {
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return undefined;
  const status = readFileSync(path, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { peakRssBytes: kib('VmHWM'), rssBytes: kib('VmRSS') };
}

/** A server's memory at the end of a phase of the bench: its peak so far (this start) and now. */
export interface PhaseMemory extends ProcessMemory {
  phase: string;
}

/**
 * The phase during which a start's peak was reached: the first whose peak so far equals the last
 * one's (VmHWM only grows). Undefined when nothing was sampled.
 */
export function phaseOfPeak(phases: readonly PhaseMemory[]): string | undefined {
  const last = phases.at(-1);
  return last && phases.find((p) => p.peakRssBytes === last.peakRssBytes)!.phase;
}

export interface DatabaseSize {
  fileBytes: number;
  walBytes: number;
}

export function databaseSize(path: string): DatabaseSize {
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  return { fileBytes: size(path), walBytes: size(`${path}.wal`) };
}
