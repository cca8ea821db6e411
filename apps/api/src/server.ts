/**
 * @module server
 * Serving the API on Node: loopback by default, a warning for any other address (put TLS in
 * front), and a graceful shutdown that lets requests in flight finish.
 */
import { type ServerType, serve } from '@hono/node-server';
import type { SecretsManager } from '@iron/secrets-core';
import { createApi } from './app.js';

/** Options of {@link startServer}. */
export interface ServerOptions {
  readonly manager: SecretsManager;
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number | undefined;
  /** Access log and warnings. */
  readonly log?: ((line: string) => void) | undefined;
}

/** A running server. */
export interface RunningServer {
  readonly url: string;
  /** Stops accepting connections and resolves once requests in flight have finished. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Starts the API.
 *
 * @example
 * ```ts
 * const server = await startServer({ manager, port: 8080 });
 * process.on('SIGTERM', () => void server.close());
 * ```
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    options.log?.(
      `WARN listening on ${host}, beyond this machine: put TLS in front of it (tokens and values travel in clear otherwise)`,
    );
  }
  const closing = new AbortController();
  const app = createApi({
    manager: options.manager,
    log: options.log,
    closing: closing.signal,
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8080 }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    close: () =>
      new Promise((resolve) => {
        // Event streams end, idle keep-alive connections close; requests in flight finish.
        closing.abort();
        server.close(() => resolve());
        if ('closeIdleConnections' in server) server.closeIdleConnections();
        setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections();
        }, 5_000).unref();
      }),
  };
}
