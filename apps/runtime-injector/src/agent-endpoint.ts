/**
 * @module agent-endpoint
 * The injector's endpoint for its own child: after a rotation signal, the agent fetches its
 * fresh values here, and an agent that handles the rotation signal registers its PID here first,
 * so the injector signals only processes that asked for it. It listens on 127.0.0.1 only, on a
 * random port, and answers only requests bearing a random 256-bit token that exists nowhere but
 * in the child's environment.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processStartTime } from './process-tree.js';
import type { SecretValues } from './secret-source.js';

/** The random bytes of the endpoint's token: 256 bits. */
const TOKEN_BYTES = 32;

/** The largest body `POST /watch` and `/unwatch` read: `{"pid": 4194304}` needs 16 bytes. */
export const MAX_WATCH_BODY_BYTES = 1024;

/**
 * How long a client may take to send its headers, and its whole request. An agent on the same
 * machine needs milliseconds; a client that stalls must not hold a connection (or the injector's
 * exit) for Node's default of five minutes.
 */
export const HEADERS_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 5_000;
/** How often Node checks those timeouts (its default, 30 s, would let a stall last 35 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * The most PIDs registered at once. An agent's processes that handle the rotation signal are a
 * handful; the bound keeps a looping client from growing the table (and each rotation's work).
 */
export const MAX_WATCHERS = 256;

/** The largest PID: `kill` reads 0 and negative PIDs as process groups, so those are refused. */
const MAX_PID = 2 ** 31 - 1;

const WATCH_BODY_RULE = 'the body must be JSON {"pid": <a process id, an integer from 1>}';

/** Options of {@link startAgentEndpoint}. */
export interface AgentEndpointOptions {
  /**
   * Whether `pid` is the agent child or one of its descendants (see `isDescendantOf` in
   * process-tree). Only those may register for the rotation signal. Without it, every
   * registration is refused (403): the endpoint cannot know which processes are the agent's.
   */
  readonly isAgentProcess?: ((pid: number) => boolean) | undefined;
}

/** A running endpoint. */
export interface AgentEndpoint {
  /** `http://127.0.0.1:<port>`; the child gets it as IRON_SECRETS_ENDPOINT. */
  readonly url: string;
  /** The bearer token; the child gets it as IRON_SECRETS_AGENT_TOKEN. */
  readonly token: string;
  /**
   * The PIDs registered with `POST /watch` that still exist and are still the agent's, in the
   * order they registered: the processes to send the rotation signal to. A PID whose process
   * exited (ESRCH), was replaced by another process with the same PID, or is no longer the
   * agent's (`isAgentProcess`) is dropped here.
   */
  watchers(): readonly number[];
  /** Stops listening, drops open connections and forgets the watchers. */
  close(): Promise<void>;
}

/** Why a request was refused: an HTTP status and a message that echoes nothing it was sent. */
class Refusal {
  readonly status: number;
  readonly message: string;
  constructor(status: number, message: string) {
    this.status = status;
    this.message = message;
  }
}

/**
 * Serves, to requests bearing the token (anything else: 401, whatever the path):
 * - `GET /secrets` -> 200 `{ "NAME": "value", ... }` from `current()` (which reads, and audits,
 *   on each request);
 * - `POST /watch` `{"pid": N}` -> 204: N handles the rotation signal (403 unless
 *   `options.isAgentProcess(N)`; 400 for another body; 413 over {@link MAX_WATCH_BODY_BYTES});
 * - `POST /unwatch` `{"pid": N}` -> 204: N no longer does;
 * - anything else: 404.
 *
 * Errors are JSON `{ "error": "..." }`.
 *
 * @example
 * ```ts
 * const endpoint = await startAgentEndpoint(() => source.fetch(), {
 *   isAgentProcess: (pid) => isDescendantOf(pid, child.pid!),
 * });
 * for (const pid of endpoint.watchers()) process.kill(pid, 'SIGUSR1');
 * ```
 */
export async function startAgentEndpoint(
  current: () => Promise<SecretValues>,
  options: AgentEndpointOptions = {},
): Promise<AgentEndpoint> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  // PID -> its start time when it registered (undefined where there is no /proc).
  const registered = new Map<number, string | undefined>();

  const isAgentProcess = (pid: number): boolean => {
    try {
      return options.isAgentProcess?.(pid) === true;
    } catch {
      return false;
    }
  };
  const stillWatching = (pid: number, startTime: string | undefined): boolean => {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    }
    // A PID is reused once its process is gone: the start time tells the new process apart, and
    // the ancestry check drops a process the agent no longer owns (re-parented to init).
    if (startTime !== undefined && processStartTime(pid) !== startTime) return false;
    return isAgentProcess(pid);
  };
  const watchers = (): number[] => {
    for (const [pid, startTime] of registered) {
      if (!stillWatching(pid, startTime)) registered.delete(pid);
    }
    return [...registered.keys()];
  };

  const watch = (pid: number): void => {
    if (!isAgentProcess(pid)) {
      throw new Refusal(403, 'only the agent and its descendants can register for the rotation signal');
    }
    if (!registered.has(pid) && watchers().length >= MAX_WATCHERS) {
      throw new Refusal(429, `at most ${MAX_WATCHERS} processes can register for the rotation signal`);
    }
    registered.set(pid, processStartTime(pid));
  };

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const presented = Buffer.from(request.headers.authorization ?? '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return reply(response, 401, { error: 'a valid IRON_SECRETS_AGENT_TOKEN bearer token is required' });
    }
    if (request.method === 'GET' && request.url === '/secrets') {
      return reply(response, 200, Object.fromEntries(await current()));
    }
    if (request.method === 'POST' && (request.url === '/watch' || request.url === '/unwatch')) {
      const pid = parsePid(await readBody(request));
      if (request.url === '/watch') watch(pid);
      else registered.delete(pid);
      return reply(response, 204, undefined);
    }
    return reply(response, 404, { error: 'not found' });
  };

  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    (request, response) => {
      void answer(request, response).catch((error: unknown) => {
        if (response.headersSent || response.destroyed) return;
        if (error instanceof Refusal) {
          // A body left unread (413) must not be read as the next request: close after replying.
          if (error.status === 413) response.setHeader('connection', 'close');
          return reply(response, error.status, { error: error.message });
        }
        reply(response, 500, { error: 'the secrets could not be read' });
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    watchers,
    close: () =>
      new Promise((resolve) => {
        registered.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request's body, refused (413) past {@link MAX_WATCH_BODY_BYTES}, announced or not. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const tooLarge = new Refusal(413, `the body is limited to ${MAX_WATCH_BODY_BYTES} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > MAX_WATCH_BODY_BYTES) {
    return Promise.reject(tooLarge);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WATCH_BODY_BYTES) {
        request.removeAllListeners('data');
        request.pause();
        reject(tooLarge);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The `pid` of a `{"pid": N}` body; 400 for anything else. */
function parsePid(body: Buffer): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refusal(400, `${WATCH_BODY_RULE}; got a body that is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Refusal(400, `${WATCH_BODY_RULE}; got JSON that is not an object`);
  }
  const pid = Object.hasOwn(parsed, 'pid') ? (parsed as { pid: unknown }).pid : undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 1 || pid > MAX_PID) {
    throw new Refusal(
      400,
      `${WATCH_BODY_RULE}; got ${pid === undefined ? 'no pid' : `a pid of type ${typeof pid} that is not one`}`,
    );
  }
  return pid;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status, { 'cache-control': 'no-store' });
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}
