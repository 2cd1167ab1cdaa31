import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../../../db/localServers/freePorts';
import { isAlive } from '../../../db/localServers/processes';
import { repositoryPath } from '../../../db/repositoryFiles';
import { buildServerBundle } from '../serverBundle';

const ROOT = repositoryPath();

/** A port free on 127.0.0.1 right now (the local servers' picker, for one port). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** This process's build of the server's bundle (buildProcessBundle). */
let bundle: string | undefined;

/**
 * Builds this process's own copy of the server's bundle, once: the sources as they are at this
 * call, for every server the process starts. Not npm start's SERVER_BUNDLE, which any other
 * process (a test run, npm start) rebuilds from the sources as they are then: a bench that ran
 * for an hour while the sources were edited started the edited code at its next server start.
 * The copy lives in the repository (the bundle finds the root from its folder, web/server/dist
 * is git-ignored) and is removed when the process exits, or by the next build after it was killed
 * (test workers are). The bench calls this before its load; the tests at their first server.
 */
export function buildProcessBundle(): string {
  if (bundle) return bundle;
  removeBundlesOfEndedProcesses();
  const folder = join(PROCESS_BUNDLES, `process-${process.pid}`);
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  bundle = buildServerBundle(join(folder, 'main.mjs'));
  return bundle;
}

const PROCESS_BUNDLES = repositoryPath('web', 'server', 'dist');

/** A process killed outright (a signal: no exit handler runs) leaves its copy behind. */
export function removeBundlesOfEndedProcesses(): void {
  if (!existsSync(PROCESS_BUNDLES)) return;
  for (const name of readdirSync(PROCESS_BUNDLES)) {
    const pid = /^process-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) rmSync(join(PROCESS_BUNDLES, name), { recursive: true, force: true });
  }
}

/** Starts the real server as a child process: npm start's bundle, this process's copy (buildProcessBundle). */
export function startServerProcess(env: Record<string, string>, port: number, cwd = ROOT): ServerProcess {
  let output = '';
  const child = spawn(process.execPath, [buildProcessBundle()], {
    cwd,
    // As npm start: DuckDB's queries run on libuv's pool (4 threads by default), and two report
    // reads, a commit and an admin query could otherwise hold all four while a login's scrypt waits.
    // Two malloc arenas instead of glibc's 8 per core: memory DuckDB frees on one thread is
    // reused by the next query instead of staying resident in another thread's arena.
    env: { ...process.env, UV_THREADPOOL_SIZE: '8', MALLOC_ARENA_MAX: '2', PORT: String(port), SEED_DEMO: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Waits until GET /v1/health answers 200, or the process exits. */
export async function waitForHealth(server: ServerProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}):\n${server.output()}`);
    try {
      const res = await fetch(`${server.url}/v1/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy:\n${server.output()}`);
}

/** Kills (SIGKILL) the servers still running and waits for them to exit. */
export async function killServers(servers: readonly ServerProcess[]): Promise<void> {
  for (const s of servers) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGKILL');
      await s.exited;
    }
  }
}
