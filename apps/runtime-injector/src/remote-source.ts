/**
 * @module remote-source
 * Secrets from the HTTP API with an agent token: the production mode, where the agent's machine
 * holds neither the master key nor the database. Values come from
 * `GET /api/secrets?environment=E`; changes from the server-sent events of
 * `GET /api/secrets/events?environment=E` (reconnecting with backoff). Before the first values,
 * `GET /api/session` must say the token is an agent token: an admin or viewer token reads no
 * values from the listing, and the agent would start with none and no word of why.
 *
 * Failures say what failed: 401 is `INVALID_TOKEN`, 403 `ACCESS_DENIED`, and a server that cannot
 * be reached or answers otherwise is a {@link RemoteServerError} naming the server and the cause.
 */
import { type Environment, IronSecretsError } from '@iron/secrets-core';
import { injectableFilter, type WarningListener } from './injectable-names.js';
import { type NoticeListener, noticeSubjectFromJson, rotationNotifier } from './rotation-notices.js';
import type { SecretSource, SecretValues } from './secret-source.js';

/** Options of {@link openRemoteSource}. */
export interface RemoteSourceOptions {
  /** The API's base URL, like `https://secrets.internal:8080`. */
  readonly server: string;
  /** An agent token (`iron-secrets token create --role agent ...`). */
  readonly token: string;
  readonly environment: Environment;
  /** How long a request for the values may take (default {@link FETCH_TIMEOUT_MS}). */
  readonly fetchTimeoutMs?: number | undefined;
  /** How long the event stream may send nothing (default {@link EVENT_SILENCE_MS}). */
  readonly eventSilenceMs?: number | undefined;
  /** Told once about each secret left out because its name is malformed or reserved (R10). */
  readonly onWarning?: WarningListener | undefined;
  /** Told once about each injected secret the server says is expired or due for rotation. */
  readonly onNotice?: NoticeListener | undefined;
}

/**
 * How long a request for the values may take. Without it a server that stops answering would
 * hold a rotation, and the injector's exit after its agent's, for ever.
 */
export const FETCH_TIMEOUT_MS = 15_000;

/**
 * How long the event stream may stay silent before it is given up and reconnected: three of the
 * API's keep-alive periods (15 s).
 */
export const EVENT_SILENCE_MS = 45_000;

/** The longest line of the event stream read (events are a name and a small JSON). */
const MAX_EVENT_LINE = 64 * 1024;

/** The longest cause of a failure quoted from the network stack or the server. */
const MAX_CAUSE_LENGTH = 200;

/** The role `GET /api/session` must report: only an agent token reads values for injection. */
const AGENT_ROLE = 'agent';

/**
 * The server could not be reached (connection refused, timeout, TLS, name not found) or answered
 * something other than the values: not a bug of ours to report, but a server to check.
 */
export class RemoteServerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Backoff between reconnections of the event stream. */
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * A source reading through the HTTP API. The token is sent only in the Authorization header,
 * never in a URL (URLs end up in access logs).
 *
 * @example
 * ```ts
 * const source = openRemoteSource({ server: 'https://secrets.internal', token, environment: 'production' });
 * ```
 */
export function openRemoteSource(options: RemoteSourceOptions): SecretSource {
  const base = new URL(options.server);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError('the server must be an http:// or https:// URL');
  }
  const headers = { authorization: `Bearer ${options.token}` };
  // The server is not trusted with the agent's environment: a name it sends that fails the name
  // pattern or is reserved (NODE_OPTIONS, BASH_FUNC_x%%, PATH) is never injected.
  const injectable = injectableFilter(options.onWarning);
  const notify = rotationNotifier(options.onNotice);
  const url = (path: string) => {
    const target = new URL(path, base);
    target.searchParams.set('environment', options.environment);
    return target;
  };
  const timeoutMs = options.fetchTimeoutMs ?? FETCH_TIMEOUT_MS;
  /** A GET that throws what failed: the token (401, 403) or the server (unreachable, other status). */
  const get = async (path: string, init: RequestInit = {}, withEnvironment = true): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(withEnvironment ? url(path) : new URL(path, base), {
        ...init,
        headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
        signal: init.signal ?? AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new RemoteServerError(`cannot reach ${base.origin}: ${networkCause(error, timeoutMs)}`, {
        cause: error,
      });
    }
    if (response.ok) return response;
    const code = await serverCode(response);
    if (response.status === 401) {
      throw new IronSecretsError(
        'INVALID_TOKEN',
        `${base.origin} refused the token (401${code}): it is unknown, revoked or expired`,
      );
    }
    if (response.status === 403) {
      throw new IronSecretsError(
        'ACCESS_DENIED',
        `${base.origin} denied GET ${path} (403${code}): the token does not reach environment ${options.environment}`,
      );
    }
    throw new RemoteServerError(`${base.origin} answered ${response.status}${code} to GET ${path}`);
  };
  const getJson = async (path: string, withEnvironment = true): Promise<unknown> => {
    const response = await get(path, {}, withEnvironment);
    try {
      return (await response.json()) as unknown;
    } catch (error) {
      throw new RemoteServerError(
        `${base.origin} answered GET ${path} with something not JSON: ${networkCause(error, timeoutMs)}`,
        { cause: error },
      );
    }
  };
  const checkSession = async (): Promise<void> => {
    const session = await getJson('/api/session', false);
    const role =
      typeof session === 'object' && session !== null ? (session as { role?: unknown }).role : undefined;
    if (role === AGENT_ROLE) return;
    // The role comes from the server: quoted only when it is a plain word.
    const named =
      typeof role === 'string' && /^[a-z]{1,16}$/.test(role)
        ? `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} token`
        : 'of no known role';
    throw new IronSecretsError(
      'ACCESS_DENIED',
      `${base.origin} says the token is ${named}, not an agent token: run --server injects only what an agent token reads`,
    );
  };
  let sessionChecked: Promise<void> | undefined;
  return {
    description: `${base.origin} (${options.environment})`,
    credentials: [options.token],
    async fetch(): Promise<SecretValues> {
      // Once, before the first values; again after a failed check.
      sessionChecked ??= checkSession().catch((error: unknown) => {
        sessionChecked = undefined;
        throw error;
      });
      await sessionChecked;
      const body = await getJson('/api/secrets');
      if (!Array.isArray(body))
        throw new RemoteServerError(`${base.origin} answered GET /api/secrets with something not a list`);
      const items = (body as unknown[]).filter(
        (item): item is { name: string; value: string } =>
          typeof item === 'object' &&
          item !== null &&
          typeof (item as { name?: unknown }).name === 'string' &&
          typeof (item as { value?: unknown }).value === 'string',
      );
      const values = injectable(items.map((item) => [item.name, item.value] as const));
      notify(
        items
          .filter((item) => values.has(item.name))
          .map((item) => noticeSubjectFromJson(item.name, options.environment, item))
          .filter((subject) => subject !== undefined),
      );
      return values;
    },
    watch(onChange, onError) {
      const controller = new AbortController();
      const silenceMs = options.eventSilenceMs ?? EVENT_SILENCE_MS;
      void (async () => {
        let delay = RECONNECT_MIN_MS;
        while (!controller.signal.aborted) {
          // One connection: given up when stopped, or when nothing (not even a keep-alive) has
          // arrived for `silenceMs`, headers included: a stream that stalls silently (a proxy, a
          // dead peer) would otherwise hide every rotation until the injector ends.
          const connection = new AbortController();
          const stop = () => connection.abort();
          controller.signal.addEventListener('abort', stop, { once: true });
          let silent: NodeJS.Timeout | undefined;
          const heard = () => {
            clearTimeout(silent);
            silent = setTimeout(() => connection.abort(new SilentStream(silenceMs)), silenceMs).unref();
          };
          try {
            heard();
            const response = await get('/api/secrets/events', {
              headers: { accept: 'text/event-stream' },
              signal: connection.signal,
            });
            if (response.body === null) {
              throw new RemoteServerError(`${base.origin} answered GET /api/secrets/events with no stream`);
            }
            delay = RECONNECT_MIN_MS;
            // Whatever changed while the stream was not connected (before the first connection,
            // or during a reconnection) sent no event to us: one look at the values catches it.
            onChange();
            await readEvents(
              response.body,
              (event) => {
                if (event.startsWith('secret.')) onChange();
              },
              heard,
            );
          } catch (error) {
            if (controller.signal.aborted) return;
            onError(connection.signal.reason instanceof SilentStream ? connection.signal.reason : error);
          } finally {
            clearTimeout(silent);
            controller.signal.removeEventListener('abort', stop);
          }
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
          delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        }
      })();
      return () => controller.abort();
    },
    close: async () => {},
  };
}

/** The API's error code from an error answer, as ` CODE`, or nothing (never the message). */
async function serverCode(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    const code = body?.error?.code;
    return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? ` ${code}` : '';
  } catch {
    return '';
  }
}

/**
 * What went wrong under a failed request, in words: refused, timed out, TLS, name not found,
 * or the network stack's own message, cut short.
 */
function networkCause(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs / 1000} s (timeout)`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  // One line, short: OpenSSL's messages span lines and name its source files.
  const message = (cause instanceof Error ? cause.message : String(cause))
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_CAUSE_LENGTH);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running on that port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed by the server';
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `TLS failed: the server does not speak TLS on that port (an http:// server?) (${code})`;
  }
  if (
    typeof code === 'string' &&
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO)/.test(code)
  ) {
    return `TLS failed: ${message} (${code})`;
  }
  return typeof code === 'string' ? `${message} (${code})` : message;
}

/** Why a connection of the event stream was given up: nothing arrived for too long. */
class SilentStream extends Error {
  constructor(silenceMs: number) {
    super(`the event stream sent nothing for ${silenceMs / 1000} s; reconnecting`);
  }
}

/**
 * Reads a server-sent event stream, calling `onEvent` with each event's name and `onBytes` on
 * every chunk. A line longer than {@link MAX_EVENT_LINE} is refused: a hostile or broken server
 * must not make us buffer without bound.
 */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (name: string) => void,
  onBytes: () => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let name = 'message';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    onBytes();
    buffer += decoder.decode(chunk, { stream: true });
    if (buffer.length > MAX_EVENT_LINE && !buffer.includes('\n')) {
      throw new Error('the event stream sent a line longer than 64 KiB');
    }
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        onEvent(name);
        name = 'message';
      } else if (line.startsWith('event:')) {
        name = line.slice(6).trim();
      }
      newline = buffer.indexOf('\n');
    }
  }
}
