import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildServerBundle } from './server/serverBundle';

// npm start builds the dashboard only when its sources are newer than the last build, and the
// server's bundle every time (about 0.1 s: web/server/serverBundle.ts).
const webDir = import.meta.dirname;
const builtIndex = join(webDir, 'build', 'index.html');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts'].map((p) => join(webDir, p)).filter(existsSync);
const stale = !existsSync(builtIndex) || Math.max(...sources.map(newestMtime)) > statSync(builtIndex).mtimeMs;
if (stale) {
  process.stdout.write('Building the dashboard (vite build, about 10 s)...\n');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
} else {
  process.stdout.write('Dashboard build is up to date.\n');
}

buildServerBundle();
