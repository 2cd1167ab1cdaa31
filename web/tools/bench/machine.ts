import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { version as duckdbVersion } from '@duckdb/node-api';
import { repositoryPath } from '../../../db/repositoryFiles';

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
  /** The code measured: the checkout's commit, "+changes" when files differ from it. */
  commit: string;
}

const ROOT = repositoryPath();

function nodeApiVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules/@duckdb/node-api/package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function checkoutCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}+changes`;
  } catch {
    return 'unknown (not a git checkout)';
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
    commit: checkoutCommit(),
  };
}
