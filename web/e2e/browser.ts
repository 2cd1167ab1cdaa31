import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * CHROMIUM_PATH if set, else `chromium` on PATH (Debian's is /usr/bin/chromium): where npm test's
 * pretest (web/tools/ensureChromium.mjs) looks, and installs it when missing.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH
  || (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium')).find(executable)
  || '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/** Debian's Chromium, headless, with the flags this machine needs (STACK.md). */
export async function launchChromium(): Promise<Browser> {
  if (!executable(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: npm test's pretest installs it (or run: apt-get update && apt-get install -y chromium)`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      // Playwright gives every launch a fresh temporary profile of its own.
      '--disable-component-update', '--disable-sync',
    ],
  });
}
