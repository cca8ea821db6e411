/**
 * @module server
 * Serving the API on Node: loopback by default, a warning for any other address (put TLS in
 * front), and a graceful shutdown that lets requests in flight finish.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'node:net';
import { serve } from '@hono/node-server';
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
  /**
   * Drains: stops accepting connections, answers every response from now on with
   * `Connection: close` (so keep-alive clients reconnect, to another instance), closes idle
   * keep-alive connections, ends event streams, and resolves once requests in flight have finished
   * (or after a grace of 5 s, when the connections left are cut). Calling it again returns the
   * same promise.
   */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** How long requests in flight get to finish once draining starts; then their connections are cut. */
const DRAIN_GRACE_MS = 5_000;
/** How long a draining server leaves idle keep-alive connections open (see close()). */
const KEEP_ALIVE_LINGER_MS = 250;

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
  // An HTTP/1.1 server: serve() makes one unless given another createServer.
  const server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8080 }) as HttpServer;
  // Before the first connection can be handled, so that no request escapes the drain.
  const draining = drainer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    close: () =>
      (closed ??= new Promise((resolve) => {
        draining.start();
        // Event streams end; requests in flight finish, each answered with Connection: close.
        closing.abort();
        // New connections are refused from now on, so that their clients go to another instance.
        // This is net.Server's close(): http.Server's would also close idle keep-alive connections
        // at once (below, a moment later). It calls back once every connection has closed.
        Server.prototype.close.call(server, () => resolve());
        // A client whose last answer came before the drain was told keep-alive, and its next
        // request may be on its way, or already here but unread while the event loop was busy:
        // closing its connection now would reset that request. A moment later the request has
        // been read and is answered with Connection: close instead; the connections still idle
        // then are closed. (The timer may fire before the next read of the sockets; setImmediate
        // runs after one.)
        setTimeout(
          () =>
            setImmediate(() => {
              server.closeIdleConnections();
              setTimeout(() => server.closeAllConnections(), DRAIN_GRACE_MS).unref();
            }),
          KEEP_ALIVE_LINGER_MS,
        );
      })),
  };
}

/**
 * `Connection: close` on every response once draining starts: on requests already in flight whose
 * headers are not sent yet, and on requests that arrive meanwhile on open keep-alive connections.
 * Without it a keep-alive client is told to reuse a connection that is about to be closed, and its
 * next request is reset instead of going to another instance. A connection whose response had
 * already started is closed as soon as that response ends.
 */
function drainer(server: HttpServer): { start(): void } {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const closeAfter = (response: ServerResponse) => {
    if (!response.headersSent) {
      response.setHeader('Connection', 'close');
      return;
    }
    // Taken now: by the time 'finish' is heard, the server has detached the socket from it.
    const socket = response.socket;
    response.once('finish', () => socket?.end());
  };
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (draining) response.setHeader('Connection', 'close');
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  return {
    start: () => {
      draining = true;
      for (const response of inFlight) closeAfter(response);
    },
  };
}
