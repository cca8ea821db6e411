/**
 * @module tcp-proxy
 * A TCP proxy in front of the test database that a test can cut and restore: the database going
 * away (a restart, a failover, a network cut) without stopping the PostgreSQL cluster that other
 * tests share. For this repository's tests; not part of the library's API.
 */
import { createServer, type Server, Socket } from 'node:net';

/** How the proxy treats connections while it is down. */
export type ProxyOutage =
  /** New connections are reset at once: what a client sees of a database that is not running. */
  | 'refuse'
  /** New connections are accepted and never answered: a host that is gone, or a black hole. */
  | 'hang';

/** What a client's message to the server may trigger; see {@link TcpProxy.onClientMessage}. */
export type ProxyAction =
  /** Pass it on. */
  | 'forward'
  /** Close both sides without passing it on: the server never sees it. */
  | 'cut-before'
  /** Pass it on, then close both sides: the server acts on it, the client never hears back. */
  | 'cut-after';

/** A running proxy. */
export interface TcpProxy {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** `url` (a postgres:// URL) pointed at the proxy instead. */
  via(url: string): string;
  /** Closes every open connection and treats new ones as `outage` says, until {@link restore}. */
  cut(outage?: ProxyOutage): void;
  /** Forwards new connections again. */
  restore(): void;
  /**
   * Looks at each chunk a client sends before it is forwarded (one chunk usually holds one
   * protocol message); the default forwards everything.
   */
  onClientMessage: (chunk: Buffer) => ProxyAction;
  /** Closes everything. */
  close(): Promise<void>;
}

/** Starts a proxy to `target` (host:port of the database). */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let outage: ProxyOutage | undefined;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const proxy: TcpProxy = {
    port: 0,
    via: (url) => {
      const pointed = new URL(url);
      pointed.hostname = '127.0.0.1';
      pointed.port = String(proxy.port);
      return pointed.href;
    },
    cut: (how = 'refuse') => {
      outage = how;
      for (const socket of open) socket.destroy();
    },
    restore: () => {
      outage = undefined;
    },
    onClientMessage: () => 'forward',
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    track(client);
    if (outage === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    if (outage === 'hang') return;
    const upstream = new Socket();
    track(upstream);
    upstream.connect(target.port, target.host);
    let draining = false;
    const closeBoth = () => {
      client.destroy();
      if (!draining) upstream.destroy();
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('data', (chunk: Buffer) => {
      const action = proxy.onClientMessage(chunk);
      if (action === 'cut-before') return closeBoth();
      if (action === 'forward') {
        upstream.write(chunk);
        return;
      }
      // The server gets the message and then end of stream; the client hears nothing more.
      draining = true;
      client.destroy();
      upstream.end(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  (proxy as { port: number }).port = typeof address === 'object' && address !== null ? address.port : 0;
  return proxy;
}

/** Whether `chunk` is a simple-protocol query whose text is `sql` (e.g. `COMMIT`). */
export function isSimpleQuery(chunk: Buffer, sql: string): boolean {
  // 'Q', a 4-byte length, the text, a NUL.
  return chunk.length > 5 && chunk[0] === 0x51 && chunk.subarray(5, chunk.length - 1).toString() === sql;
}
