/**
 * @module remote-source
 * Secrets from the HTTP API with an agent token: the production mode, where the agent's machine
 * holds neither the master key nor the database. Values come from
 * `GET /api/secrets?environment=E`; changes from the server-sent events of
 * `GET /api/secrets/events?environment=E` (reconnecting with backoff).
 */
import type { Environment } from '@iron/secrets-core';
import { injectableFilter, type WarningListener } from './injectable-names.js';
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
  const url = (path: string) => {
    const target = new URL(path, base);
    target.searchParams.set('environment', options.environment);
    return target;
  };
  return {
    description: `${base.origin} (${options.environment})`,
    credentials: [options.token],
    async fetch(): Promise<SecretValues> {
      const response = await fetch(url('/api/secrets'), {
        headers,
        signal: AbortSignal.timeout(options.fetchTimeoutMs ?? FETCH_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`the server answered ${response.status} to GET /api/secrets`);
      const body = (await response.json()) as unknown;
      if (!Array.isArray(body))
        throw new Error('the server answered GET /api/secrets with something not a list');
      return injectable(
        (body as unknown[])
          .filter(
            (item): item is { name: string; value: string } =>
              typeof item === 'object' &&
              item !== null &&
              typeof (item as { name?: unknown }).name === 'string' &&
              typeof (item as { value?: unknown }).value === 'string',
          )
          .map((item) => [item.name, item.value] as const),
      );
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
            const response = await fetch(url('/api/secrets/events'), {
              headers: { ...headers, accept: 'text/event-stream' },
              signal: connection.signal,
            });
            if (!response.ok || response.body === null) {
              throw new Error(`the server answered ${response.status} to GET /api/secrets/events`);
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
