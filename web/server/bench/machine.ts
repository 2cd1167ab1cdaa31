import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { version as duckdbVersion } from '@duckdb/node-api';

export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  ramGiB: number;
  node: string;
  duckdb: string;
  duckdbNodeApi: string;
  /** 1, 5 and 15 minutes: the cores are shared, and a busy machine lowers every figure. */
  loadAverage: number[];
}

const ROOT = join(import.meta.dirname, '..', '..', '..');

function nodeApiVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules/@duckdb/node-api/package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeMachine(now = new Date()): MachineInfo {
  return {
    date: now.toISOString(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    duckdb: duckdbVersion(),
    duckdbNodeApi: nodeApiVersion(),
    loadAverage: loadavg(),
  };
}
