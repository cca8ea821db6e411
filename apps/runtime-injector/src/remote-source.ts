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
  /** Told once about each secret left out because its name is malformed or reserved (R10). */
  readonly onWarning?: WarningListener | undefined;
}

/**
 * How long a request for the values may take. Without it a server that stops answering would
 * hold a rotation, and the injector's exit after its agent's, for ever.
 */
export const FETCH_TIMEOUT_MS = 15_000;

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
      const body = (await response.json()) as { name?: unknown; value?: unknown }[];
      if (!Array.isArray(body))
        throw new Error('the server answered GET /api/secrets with something not a list');
      return injectable(
        body
          .filter((item) => typeof item.name === 'string' && typeof item.value === 'string')
          .map((item) => [item.name as string, item.value as string] as const),
      );
    },
    watch(onChange, onError) {
      const controller = new AbortController();
      void (async () => {
        let delay = RECONNECT_MIN_MS;
        while (!controller.signal.aborted) {
          try {
            const response = await fetch(url('/api/secrets/events'), {
              headers: { ...headers, accept: 'text/event-stream' },
              signal: controller.signal,
            });
            if (!response.ok || response.body === null) {
              throw new Error(`the server answered ${response.status} to GET /api/secrets/events`);
            }
            delay = RECONNECT_MIN_MS;
            // Whatever changed while the stream was not connected (before the first connection,
            // or during a reconnection) sent no event to us: one look at the values catches it.
            onChange();
            await readEvents(response.body, (event) => {
              if (event.startsWith('secret.')) onChange();
            });
          } catch (error) {
            if (controller.signal.aborted) return;
            onError(error);
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

/** Reads a server-sent event stream, calling `onEvent` with each event's name. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let name = 'message';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
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
