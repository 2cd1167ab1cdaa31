// npm test's pretest: the browser tests (web/e2e) drive Debian's Chromium, never a downloaded
// browser build. Present: nothing to do. Missing: as root, install it with apt-get (saying so);
// otherwise print the command to run and fail, so that no browser test is skipped for want of it.
// Looks where web/e2e/browser.ts does: CHROMIUM_PATH if set, else `chromium` on PATH.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import process from 'node:process';

// -q: no progress bars in a log.
const INSTALL = [['apt-get', 'update', '-q'], ['apt-get', 'install', '-y', '-q', 'chromium']];
const say = (line) => process.stderr.write(`pretest: ${line}\n`);

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findChromium() {
  if (process.env.CHROMIUM_PATH) return executable(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium')).find(executable);
}

if (findChromium() === undefined) {
  if (process.env.CHROMIUM_PATH) {
    say(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file: point it at Chromium, or unset it to use Debian's chromium`);
    process.exit(1);
  }
  if (process.getuid?.() !== 0) {
    say("Chromium is missing (the browser tests need Debian's chromium): run  sudo apt-get update && sudo apt-get install -y chromium  then npm test again");
    process.exit(1);
  }
  say(`Chromium is missing (the browser tests need Debian's chromium); running as root, so installing it: ${INSTALL.map((args) => args.join(' ')).join(' && ')}`);
  for (const [program, ...args] of INSTALL) {
    say(`$ ${program} ${args.join(' ')}`);
    const run = spawnSync(program, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) {
      say(`${program} ${args.join(' ')} failed (${run.error?.message ?? `exit code ${run.status}`})`);
      process.exit(1);
    }
  }
  const installed = findChromium();
  if (installed === undefined) {
    say('apt-get installed chromium, yet no chromium is on PATH');
    process.exit(1);
  }
  say(`Chromium installed: ${installed}`);
}
