// The servers of the local cluster run detached, in their own process group, with their output in
// a log file and their pid in a file: a test or the CLI may end while they run, and `cluster stop`
// finds them again from the folder.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoggedProcess {
  command: string;
  args: string[];
  /** stdout and stderr go here (appended). */
  logFile: string;
  pidFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export function spawnLogged(options: LoggedProcess): number {
  const log = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.command} (see ${options.logFile})`);
    child.on('error', () => undefined); // a failed start shows as a dead pid and its log
    child.unref();
    writeFileSync(options.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Alive and not a zombie waiting for its parent to collect it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = stateOf(`/proc/${pid}/stat`);
  return state !== undefined && state !== 'Z';
}

/**
 * SIGSTOP, then waits until every thread of the process has stopped: kill() only queues the
 * signal, and a thread running on the other core may answer one more request meanwhile (a test
 * that stopped a server saw it answer 10 ms later).
 */
export async function suspendProcess(pid: number, timeoutMs = 5_000): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  const deadline = Date.now() + timeoutMs;
  while (!readdirSync(`/proc/${pid}/task`).every((thread) => stateOf(`/proc/${pid}/task/${thread}/stat`) === 'T')) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** The state letter of a /proc stat file (R, S, T, Z...): after the command's closing parenthesis. */
function stateOf(statFile: string): string | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined; // the process or thread ended meanwhile
  }
}

export function readPidFile(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The pid runs a command line that mentions `marker` (a config path): not a recycled pid. */
export function runsWith(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
export async function stopPid(pid: number, graceMs = 15_000): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

export async function killPid(pid: number): Promise<void> {
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Resident memory of these processes and all their descendants (a postmaster's backends), in bytes. */
export function residentBytes(pids: number[]): number {
  const all = new Set<number>();
  const parents = parentsOfAll();
  const add = (pid: number) => {
    if (all.has(pid)) return;
    all.add(pid);
    for (const [child, parent] of parents) if (parent === pid) add(child);
  };
  pids.forEach(add);
  return [...all].reduce((sum, pid) => sum + residentBytesOf(pid), 0);
}

function parentsOfAll(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

function residentBytesOf(pid: number): number {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kib ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Free ports are picked, closed, then bound by the server a moment later: another process may take
 * one in between. The start then fails with this in its log tail, and is worth one more try.
 */
export const PORT_ATTEMPTS = 3;
export const isPortConflict = (error: unknown) => error instanceof Error && /address already in use/i.test(error.message);

/** The last lines of a log file, for an error message. */
export function tailOf(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log file was written)';
  const text = readFileSync(file, 'utf8').trimEnd();
  return text === '' ? '(the log file is empty)' : text.split('\n').slice(-lines).join('\n');
}

export interface Readiness {
  /** What is starting, for the error: "ClickHouse node s1r2 (http://127.0.0.1:4123)". */
  what: string;
  pid?: number;
  logFile: string;
  timeoutMs: number;
  probe: () => Promise<boolean>;
}

/** Polls `probe` until it says yes; fails early when the process dies, naming its log. */
export async function waitUntilReady(readiness: Readiness): Promise<void> {
  const deadline = Date.now() + readiness.timeoutMs;
  for (;;) {
    if (await readiness.probe().catch(() => false)) return;
    if (readiness.pid !== undefined && !isAlive(readiness.pid)) {
      throw new Error(`${readiness.what} exited while starting; last lines of ${readiness.logFile}:\n${tailOf(readiness.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${readiness.what} was not ready within ${readiness.timeoutMs / 1000} s; last lines of ${readiness.logFile}:\n${tailOf(readiness.logFile)}`);
    }
    await sleep(100);
  }
}
