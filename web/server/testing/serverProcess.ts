import { spawn, type ChildProcess } from 'node:child_process';
import { freePorts } from '../../../db/localServers/freePorts';
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

/** This process's build of the server's bundle: the sources as they are when its first server starts. */
let bundle: string | undefined;

/** Starts the real server as a child process: the bundle npm start runs (web/server/serverBundle.ts). */
export function startServerProcess(env: Record<string, string>, port: number, cwd = ROOT): ServerProcess {
  let output = '';
  bundle ??= buildServerBundle();
  const child = spawn(process.execPath, [bundle], {
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
