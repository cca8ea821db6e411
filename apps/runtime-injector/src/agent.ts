/**
 * @module @iron/secrets-runtime/agent
 * Iron Secrets for Node agents run through `iron-secrets run`: register for the rotation signal,
 * and on it fetch the fresh values from the injector's endpoint, update `process.env`, and tell
 * the agent what changed and what was removed. The same contract as the Python helper
 * `iron_secrets`.
 *
 * The endpoint is on the loopback address, and every request goes straight there on a socket of
 * the helper's own: no HTTP agent, so no proxy (`HTTP_PROXY` with `NODE_USE_ENV_PROXY=1`,
 * `http.setGlobalProxyFromEnv()`, an agent's `proxyEnv`) and no redirect ever applies.
 *
 * @example
 * ```ts
 * import { get, watch } from '@iron/secrets-runtime/agent';
 * watch((changed) => { if (changed.OPENAI_API_KEY) client.apiKey = changed.OPENAI_API_KEY; });
 * const key = get('OPENAI_API_KEY');
 * ```
 */
import { request } from 'node:http';
import { connect, isIPv4, isIPv6 } from 'node:net';
import { environmentValueProblem } from './environment-value.js';
import { isInjectableSecretName } from './reserved-names.generated.js';

/** How long one request to the endpoint may take, in milliseconds. */
export const ENDPOINT_TIMEOUT_MS = 5_000;

/**
 * The largest answer read from the endpoint: far above any environment's secrets (a value is at
 * most 64 KiB by default), and a bound on what a broken endpoint can make the agent hold.
 */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** How much of a refused name a warning shows, and how many names. */
const SHOWN_NAME_CHARS = 64;
const SHOWN_NAMES = 10;

/** What one fetch changed. */
export interface Rotation {
  /** The names whose value changed or that were added, with their new value (never undefined). */
  readonly changed: Record<string, string>;
  /** The names served at the previous fetch and no longer served, sorted; gone from process.env. */
  readonly removed: readonly string[];
}

/** Options of {@link watch}. */
export interface WatchOptions {
  /** The rotation signal; `SIGUSR1`, what the injector sends, by default. */
  readonly signal?: NodeJS.Signals | undefined;
  /**
   * Called with what failed: a refresh, registering with the injector, or a callback that threw.
   * By default, one line on stderr (`iron-secrets: refresh failed: ...`) that never holds a value.
   */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Called with the names that are gone (already removed from process.env), sorted. */
  readonly onRemoved?: ((names: readonly string[]) => void) | undefined;
}

/** The injector's endpoint could not be reached, or answered something else than the values. */
export class EndpointError extends Error {
  override name = 'EndpointError';
}

/** The current value of a secret (after any rotation `watch` has applied). */
export function get(name: string): string | undefined {
  return process.env[name];
}

/**
 * Fetches the current values, updates `process.env`, and returns `{ name: value }` of what changed
 * or was added. Names that are gone are removed from `process.env` too; {@link sync} also says
 * which. Rejects with an {@link EndpointError} if the endpoint cannot be read.
 *
 * @example
 * ```ts
 * const changed = await refresh(); // { OPENAI_API_KEY: 'sk-...' }
 * ```
 */
export async function refresh(): Promise<Record<string, string>> {
  return (await sync()).changed;
}

// The names this module set from the endpoint's last answer, to tell which are removed.
let knownNames = new Set<string>();
// Fetches apply one after another, so an older answer is never applied after a newer one.
let lastSync: Promise<unknown> = Promise.resolve();

/**
 * Fetches the current values and brings `process.env` in line with them: changed and added names
 * are set, names served at the previous fetch and no longer served are deleted. Names that are not
 * valid secret names, or are reserved, are skipped (one line on stderr names them).
 *
 * @example
 * ```ts
 * const { changed, removed } = await sync();
 * ```
 */
export function sync(): Promise<Rotation> {
  const next = lastSync.then(
    () => fetchAndApply(),
    () => fetchAndApply(),
  );
  lastSync = next.catch(() => {});
  return next;
}

async function fetchAndApply(): Promise<Rotation> {
  const values = parseValues(await call('GET', '/secrets'));
  const accepted = new Map<string, string>();
  const skipped: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (isInjectableSecretName(name) && isEnvironmentValue(value)) accepted.set(name, value);
    else skipped.push(name);
  }
  if (skipped.length > 0) warnSkipped(skipped);
  const changed: Record<string, string> = {};
  for (const [name, value] of accepted) {
    if (process.env[name] !== value) {
      changed[name] = value;
      process.env[name] = value;
    }
  }
  const removed = [...knownNames].filter((name) => !accepted.has(name)).sort();
  for (const name of removed) delete process.env[name];
  knownNames = new Set(accepted.keys());
  return { changed, removed };
}

/**
 * Keeps `process.env` current through rotations, and returns a function that stops it.
 *
 * - Registers this process with the injector (`POST /watch`): the injector sends the rotation
 *   signal only to processes that registered. Right after, it fetches once, to catch a rotation
 *   that happened before (so `callback` may be called then).
 * - On the signal (`SIGUSR1` by default): fetches, then calls `callback(changed)` if names changed
 *   or were added and `onRemoved(names)` if names are gone, on the main thread (the event loop).
 *   Signals that arrive during a fetch, however many, lead to one more fetch after it: the last
 *   value wins.
 * - Never throws into the agent: failures go to `onError`, or one line on stderr.
 *
 * The function it returns stops calling back, unregisters (`POST /unwatch`, best effort) and then
 * removes the signal handler. (Without a handler of the agent's, Node reads SIGUSR1 as "open the
 * inspector", so the handler stays until the injector has been told.)
 *
 * @example
 * ```ts
 * const stop = watch((changed) => { client.apiKey = changed.OPENAI_API_KEY ?? client.apiKey; }, {
 *   onRemoved: (names) => console.log('removed', names),
 *   onError: (error) => logger.warn(error),
 * });
 * ```
 */
export function watch(
  callback?: (changed: Record<string, string>) => unknown,
  options: WatchOptions = {},
): () => void {
  const signal = options.signal ?? 'SIGUSR1';
  const subscriber: Subscriber = { callback, onError: options.onError, onRemoved: options.onRemoved };
  const channel = channels.get(signal) ?? openChannel(signal);
  channel.subscribers.add(subscriber);
  // A later watcher catches up too (what a fetch finds now goes to every watcher: none had it).
  if (channel.registered) void channel.run();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    channel.subscribers.delete(subscriber);
    if (channel.subscribers.size === 0) closeChannel(channel);
  };
}

/** One `watch()` call: what it calls back. */
interface Subscriber {
  readonly callback: ((changed: Record<string, string>) => unknown) | undefined;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly onRemoved: ((names: readonly string[]) => unknown) | undefined;
}

/**
 * Every `watch()` of one signal shares one handler, one registration with the injector and one
 * fetch per wake-up, whose result goes to each of them: with a fetch each, the first would take
 * the change and the others see none; with a registration each, the first to stop would
 * unregister the process for all.
 */
interface Channel {
  readonly signal: NodeJS.Signals;
  readonly subscribers: Set<Subscriber>;
  readonly handler: () => void;
  registered: boolean;
  closed: boolean;
  run(): Promise<void>;
}

const channels = new Map<NodeJS.Signals, Channel>();

function openChannel(signal: NodeJS.Signals): Channel {
  let running = false;
  let again = false;
  const channel: Channel = {
    signal,
    subscribers: new Set(),
    handler: () => void channel.run(),
    registered: false,
    closed: false,
    async run() {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const audience = [...channel.subscribers];
          let rotation: Rotation;
          try {
            rotation = await sync();
          } catch (error) {
            report(audience, error, 'refresh failed');
            continue;
          }
          if (channel.closed) break;
          for (const subscriber of audience) {
            if (!channel.subscribers.has(subscriber)) continue;
            if (Object.keys(rotation.changed).length > 0)
              callBack(subscriber, subscriber.callback, rotation.changed);
            if (rotation.removed.length > 0) callBack(subscriber, subscriber.onRemoved, rotation.removed);
          }
        } while (again && !channel.closed);
      } finally {
        running = false;
      }
    },
  };
  channels.set(signal, channel);
  process.on(signal, channel.handler);
  call('POST', '/watch', { pid: process.pid }).then(
    () => {
      channel.registered = true;
      // A rotation between the agent's start and its registration was signalled to nobody.
      if (!channel.closed) void channel.run();
    },
    (error: unknown) => report([...channel.subscribers], error, 'could not register for the rotation signal'),
  );
  return channel;
}

/** The last watcher stopped: unregister, then remove the handler (see {@link watch}). */
function closeChannel(channel: Channel): void {
  channel.closed = true;
  channels.delete(channel.signal);
  const removeHandler = () => {
    process.off(channel.signal, channel.handler);
  };
  call('POST', '/unwatch', { pid: process.pid }).then(removeHandler, removeHandler);
}

/** A failure, to each subscriber's `onError`; one line on stderr for those without one. */
function report(subscribers: readonly Subscriber[], error: unknown, what: string, show = true): void {
  let toStderr = subscribers.length === 0;
  for (const subscriber of subscribers) {
    if (subscriber.onError === undefined) {
      toStderr = true;
      continue;
    }
    try {
      subscriber.onError(error);
    } catch (raised) {
      stderrLine(`the error callback threw ${typeName(raised)} on: ${what}`);
    }
  }
  if (toStderr)
    stderrLine(show ? `${what}: ${error instanceof Error ? error.message : String(error)}` : what);
}

function callBack<T>(subscriber: Subscriber, fn: ((argument: T) => unknown) | undefined, argument: T): void {
  if (fn === undefined) return;
  // The agent's own error: its message may hold a value, so only its type is shown.
  const failed = (error: unknown) =>
    report([subscriber], error, `a rotation callback threw ${typeName(error)}`, false);
  try {
    const result = fn(argument);
    if (isThenable(result)) result.then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}

/** IRON_SECRETS_ENDPOINT, which must be http on a loopback address, and the token. */
function endpoint(): { host: string; port: number; token: string } {
  const url = process.env.IRON_SECRETS_ENDPOINT;
  const token = process.env.IRON_SECRETS_AGENT_TOKEN;
  if (!url || !token) {
    throw new EndpointError('not running under `iron-secrets run`: IRON_SECRETS_ENDPOINT is not set');
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const host = parsed?.hostname.replace(/^\[(.*)\]$/, '$1') ?? '';
  const loopback = (isIPv4(host) && host.startsWith('127.')) || (isIPv6(host) && host === '::1');
  if (parsed === undefined || parsed.protocol !== 'http:' || !loopback || parsed.port === '') {
    throw new EndpointError("IRON_SECRETS_ENDPOINT must be http://127.0.0.1:<port>, the injector's endpoint");
  }
  return { host, port: Number(parsed.port), token };
}

/** One request to the endpoint; resolves with the answer's body, rejects with an EndpointError. */
function call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const { host, port, token } = endpoint();
    const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = body.length;
    }
    const outgoing = request(
      {
        host,
        port,
        method,
        path,
        headers,
        // A socket of our own to the loopback address and no HTTP agent: no proxy can apply.
        createConnection: () => connect({ host, port }),
        signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            outgoing.destroy(
              new EndpointError(`the injector's endpoint answered more than ${MAX_ANSWER_BYTES} bytes`),
            );
          } else chunks.push(chunk);
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(new EndpointError(`the injector's endpoint answered ${status} to ${method} ${path}`));
          } else resolve(Buffer.concat(chunks).toString('utf8'));
        });
        response.on('error', (error) => reject(reachError(error)));
      },
    );
    outgoing.on('error', (error) => reject(reachError(error)));
    outgoing.end(body);
  });
}

function reachError(error: Error): EndpointError {
  if (error instanceof EndpointError) return error;
  const why = error.name === 'TimeoutError' || error.name === 'AbortError' ? 'timed out' : error.message;
  return new EndpointError(`the injector's endpoint could not be reached: ${why}`);
}

function parseValues(text: string): Record<string, unknown> {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw new EndpointError("the injector's endpoint answered something that is not JSON");
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new EndpointError("the injector's endpoint answered JSON that is not an object of values");
  }
  return values as Record<string, unknown>;
}

/** Whether process.env can hold `value` as it is: a string without NUL (where Node cuts it short). */
function isEnvironmentValue(value: unknown): value is string {
  return typeof value === 'string' && environmentValueProblem(value) === undefined;
}

function warnSkipped(names: readonly string[]): void {
  const shown = names.slice(0, SHOWN_NAMES).map((name) => JSON.stringify(name.slice(0, SHOWN_NAME_CHARS)));
  const more = names.length - shown.length;
  stderrLine(
    `WARN skipped names that are not valid secret names or are reserved (not set): ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
  );
}

function stderrLine(text: string): void {
  try {
    process.stderr.write(`iron-secrets: ${text}\n`);
  } catch {
    // A closed stderr is no reason to stop.
  }
}

function typeName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
