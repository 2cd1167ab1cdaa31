import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import { repositoryPath } from '../../db/repositoryFiles';
import { pageCsp } from './http/securityHeaders';
import { acceptedCodings, varyOnAcceptEncoding, type ContentCoding } from './http/acceptEncoding';

export const DASHBOARD_DIR = repositoryPath('web', 'build');

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

const EXTENSION_OF: Record<ContentCoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The twin of a built file that the build compressed beforehand (svelte.config.js: precompress
 * writes file.br and file.gz), in the best coding the client accepts; none when the twin would
 * not be smaller (the build compresses even files of a few bytes).
 */
function precompressedTwin(file: string, acceptEncoding: string | undefined): { path: string; coding: ContentCoding } | undefined {
  const size = statSync(file).size;
  for (const coding of acceptedCodings(acceptEncoding)) {
    const path = file + EXTENSION_OF[coding];
    if (existsSync(path) && statSync(path).size < size) return { path, coding };
  }
  return undefined;
}

/**
 * A built file with its headers; compressed when a twin exists, with the original's type and
 * Vary (the caches in between keep one copy per coding).
 */
function builtFile(c: Context, file: string, headers: Record<string, string>): Response {
  const twin = precompressedTwin(file, c.req.header('accept-encoding'));
  const bytes = readFileSync(twin?.path ?? file);
  const res = c.body(bytes, 200, { ...headers, 'content-length': String(bytes.length), ...(twin ? { 'content-encoding': twin.coding } : {}) });
  if (existsSync(file + EXTENSION_OF.br) || existsSync(file + EXTENSION_OF.gzip)) varyOnAcceptEncoding(res.headers);
  return res;
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
      return builtFile(c, file, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    if (extname(path) !== '') return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      return c.text('The dashboard is not built yet: run `npm run build:web` (npm start does it for you).', 503);
    }
    // The CSP allows SvelteKit's inline bootstrap script by its hash, computed from the file served
    // (its uncompressed text, when the reply is its compressed twin).
    const html = readFileSync(index, 'utf8');
    return builtFile(c, index, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': pageCsp(html) });
  });
}
