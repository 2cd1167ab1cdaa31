import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import { pageCsp } from './http/securityHeaders';

export const DASHBOARD_DIR = join(import.meta.dirname, '..', 'build');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function fileIn(dir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined; // malformed percent-encoding (found by the hostile-input tests): no such file
  }
  const path = normalize(join(dir, decoded));
  if (!path.startsWith(dir + sep)) return undefined;
  return existsSync(path) && statSync(path).isFile() ? path : undefined;
}

/**
 * Serves the built dashboard (a static SvelteKit app): files as they are, and index.html for
 * every other page path so that deep links (/businesses/acme) load the app.
 */
export function mountDashboard(app: Hono, dir = DASHBOARD_DIR) {
  app.get('*', async (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/v1/') || path === '/docs' || path.startsWith('/docs/')) return next();
    const file = fileIn(dir, path);
    if (file) {
      const immutable = path.startsWith('/_app/immutable/');
      return c.body(readFileSync(file), 200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    if (extname(path) !== '') return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      return c.text('The dashboard is not built yet: run `npm run build:web` (npm start does it for you).', 503);
    }
    // The CSP allows SvelteKit's inline bootstrap script by its hash, computed from the file served.
    const html = readFileSync(index, 'utf8');
    return c.html(html, 200, { 'content-security-policy': pageCsp(html) });
  });
}
