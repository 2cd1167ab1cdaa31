import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { acceptedCodings, varyOnAcceptEncoding, type ContentCoding } from './http/acceptEncoding';
import { compress } from './http/compressReplies';

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API · Messaging privacy analytics</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

// Swagger UI's files never change while the server runs: each is compressed once per coding
// (its bundle is 1.7 MB, 0.1-0.4 s of brotli on this machine), not on every visit to /docs.
const compressedAssets = new Map<string, Promise<Buffer>>();
function compressedAsset(file: string, coding: ContentCoding): Promise<Buffer> {
  const key = `${file}.${coding}`;
  let encoded = compressedAssets.get(key);
  if (!encoded) {
    encoded = compress(readFileSync(join(swaggerDir, file)), coding);
    compressedAssets.set(key, encoded);
    encoded.catch(() => compressedAssets.delete(key)); // a failure is not kept: the next visit tries again
  }
  return encoded;
}

/** GET /v1/openapi.json (OpenAPI 3.1 from the zod schemas) and /docs, served offline. */
export function mountDocs(app: OpenAPIHono) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'ingestKey', {
    type: 'http', scheme: 'bearer', description: 'An ingest key from POST /v1/businesses/{id}/keys',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN (printed at first start)',
  });
  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Messaging privacy analytics API',
      version: '0.1.0',
      description: 'Ingest of anonymised business-messaging events, the business registry, reports and exports.',
    },
  });
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/assets/init.js', (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.notFound();
    const headers = { 'content-type': type, 'cache-control': 'public, max-age=86400' };
    const [coding] = acceptedCodings(c.req.header('accept-encoding'));
    if (!coding || c.req.method !== 'GET') return c.body(readFileSync(join(swaggerDir, file)), 200, headers);
    const encoded = await compressedAsset(file, coding);
    const res = c.body(encoded as Uint8Array<ArrayBuffer>, 200, { ...headers, 'content-encoding': coding, 'content-length': String(encoded.length) });
    varyOnAcceptEncoding(res.headers);
    return res;
  });
}
