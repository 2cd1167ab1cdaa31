import { startServerProcess, waitForHealth, type ServerProcess } from '../../server/testing/serverProcess';
import { BENCH_ADMIN_TOKEN, benchServerEnv } from './benchServerEnv';
import { readCpu, type CpuReading } from './ingestCpu';
import { processMemory, type PhaseMemory } from './serverFootprint';

/** The real server (npm start's entry point) as a child process on the bench's database. */
export class BenchServer {
  /** Highest VmHWM of every server process started, in bytes. */
  peakRssBytes = 0;
  /** The running process's peak so far and current RSS at the end of each measured phase. */
  readonly memoryByPhase: PhaseMemory[] = [];
  /** Seconds from each start until its duplicate index had loaded (in the background, after health). */
  readonly indexLoadSeconds: number[] = [];
  #server: ServerProcess | undefined;

  constructor(
    readonly databasePath: string,
    readonly port: number,
    /** Added to the server's environment (STORE=clickhouse and its servers). */
    readonly extraEnv: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts it and waits until it answers; returns how long that took, in ms. Then waits until its
   * duplicate index has loaded, so that no measurement runs beside that load (which takes a while
   * at tens of millions of events).
   */
  async start(): Promise<number> {
    const started = performance.now();
    this.#server = startServerProcess({ ...benchServerEnv(this.databasePath), ...this.extraEnv }, this.port);
    await waitForHealth(this.#server, 30 * 60_000);
    const healthMs = performance.now() - started;
    while ((await fetch(`${this.url}/v1/health`)).headers.get('x-duplicate-index') === 'loading') {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.indexLoadSeconds.push((performance.now() - started) / 1000);
    return healthMs;
  }

  /**
   * Samples the process's peak RSS (VmHWM only grows while it lives); with a phase's name, also
   * keeps it and the current RSS for that phase, which says where the peak was reached.
   */
  sampleMemory(phase?: string): void {
    const pid = this.#server?.child.pid;
    const memory = pid === undefined ? undefined : processMemory(pid);
    if (!memory) return;
    this.peakRssBytes = Math.max(this.peakRssBytes, memory.peakRssBytes);
    if (phase !== undefined) this.memoryByPhase.push({ phase, ...memory });
  }

  /** The CPU time of the running server's threads, this process's and the machine's, now. */
  readCpu(): CpuReading | undefined {
    const pid = this.#server?.child.pid;
    return pid === undefined ? undefined : readCpu(pid);
  }

  /** SIGTERM: the server commits what is queued, checkpoints and exits. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.sampleMemory();
    this.#server = undefined;
    reportServerErrors(server);
    if (server.child.exitCode !== null || server.child.signalCode !== null) return;
    server.child.kill('SIGTERM');
    const code = await server.exited;
    if (code !== 0) throw new Error(`the server exited with ${code} after SIGTERM:\n${server.output().slice(-2000)}`);
  }

  /** For a failure path: no checkpoint, no waiting for anything but the exit. */
  async kill(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) reportServerErrors(server);
    if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
    server.child.kill('SIGKILL');
    await server.exited;
  }

  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** An ingest key for all these businesses. */
  async ingestKey(businesses: readonly string[]): Promise<string> {
    const reply = await this.admin('POST', `/v1/businesses/${businesses[0]}/keys`, { label: 'bench', also_businesses: businesses.slice(1) });
    return (reply as { key: string }).key;
  }
}

/** The errors the server logged (failed commits say why there), shown with the bench's progress. */
function reportServerErrors(server: ServerProcess): void {
  const errors = server.output().split('\n').filter((line) => /"level":(50|60)\b/.test(line));
  if (errors.length > 0) process.stderr.write(`the server logged ${errors.length} errors; the last ones:\n${errors.slice(-5).join('\n')}\n`);
}
