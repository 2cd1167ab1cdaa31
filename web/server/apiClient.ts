import { existsSync, readFileSync } from 'node:fs';
import { DatabaseLockedError } from '../../db/duckdb';
import type { Config } from './config';
import { createLogger } from './logger';
import { openRuntime, type Runtime } from './runtime';
import { adminTokenPath } from './secrets';

export interface ClientReply {
  status: number;
  body: unknown;
  /** The raw bytes, for files (exports). */
  bytes?: Buffer;
  headers?: Headers;
  retryAfterSeconds: number | undefined;
}

/** The API, reached in-process (app.request) or over HTTP (fetch): a CLI cannot tell. */
export interface ApiClient {
  /** For messages: where the requests go. */
  readonly target: string;
  request: (method: string, path: string, token: string, body?: string) => Promise<ClientReply>;
}

type Fetch = (input: string, init: RequestInit) => Response | Promise<Response>;

function clientOver(target: string, send: Fetch): ApiClient {
  return {
    target,
    request: async (method, path, token, body) => {
      const response = await send(path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body }),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      let parsed: unknown = undefined;
      if ((response.headers.get('content-type') ?? '').includes('json')) {
        try {
          parsed = JSON.parse(bytes.toString('utf8'));
        } catch {
          // Not JSON after all: callers read the bytes.
        }
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        status: response.status,
        body: parsed,
        bytes,
        headers: response.headers,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      };
    },
  };
}

/** Through the app's own request handler: the same validation, anonymisation and writer, no socket. */
export function inProcessClient(app: { request: Fetch }): ApiClient {
  return clientOver('in-process', (path, init) => app.request(`http://localhost${path}`, init));
}

export function httpClient(baseUrl: string): ApiClient {
  return clientOver(baseUrl, (path, init) => fetch(`${baseUrl}${path}`, init));
}

export interface ApiTarget {
  client: ApiClient;
  adminToken: string;
  /** Set when the CLI opened the database itself. */
  runtime?: Runtime;
  close: () => Promise<void>;
}

/**
 * A CLI opens the database itself when no server runs, and otherwise talks to the
 * server that holds the file, through its API. Either way the same handlers do the work.
 */
export async function openApiTarget(config: Config): Promise<ApiTarget> {
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  try {
    const runtime = await openRuntime(config, logger);
    if (runtime.isNewDatabase) {
      process.stderr.write(`created ${config.databasePath} (admin token in ${runtime.adminTokenSource.path ?? 'ADMIN_TOKEN'})\n`);
    }
    if (runtime.pseudonymKeySource.source === 'generated') {
      process.stderr.write(`warning: generated a new pseudonym key in ${runtime.pseudonymKeySource.path} (mode 0600); back it up, apart from the database.\n`);
    }
    return { client: inProcessClient(runtime.app), adminToken: runtime.deps.adminToken, runtime, close: () => runtime.close() };
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
    process.stderr.write(`${config.databasePath} is held by another process (${error.holder}); using its API at ${baseUrl}\n`);
    const tokenFile = adminTokenPath(config.databasePath);
    const adminToken = config.adminToken ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
    if (!adminToken) throw new Error(`no admin token: set ADMIN_TOKEN or make ${tokenFile} readable`);
    return { client: httpClient(baseUrl), adminToken, close: async () => undefined };
  }
}
