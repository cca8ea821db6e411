/**
 * @module @iron/secrets-runtime/agent
 * Iron Secrets for Node agents run through `iron-secrets run`: on SIGUSR1 (sent after a
 * rotation), fetch the fresh values from the injector's endpoint, update `process.env`, and tell
 * the agent what changed. The same contract as the Python helper `iron_secrets`.
 *
 * @example
 * ```ts
 * import { get, watch } from '@iron/secrets-runtime/agent';
 * watch((changed) => { if (changed.OPENAI_API_KEY) client.apiKey = changed.OPENAI_API_KEY; });
 * const key = get('OPENAI_API_KEY');
 * ```
 */

/** The current value of a secret (after any rotation `watch` has applied). */
export function get(name: string): string | undefined {
  return process.env[name];
}

/** Fetches the current values, updates `process.env`, and returns what changed. */
export async function refresh(): Promise<Record<string, string>> {
  const endpoint = process.env.IRON_SECRETS_ENDPOINT;
  const token = process.env.IRON_SECRETS_AGENT_TOKEN;
  if (!endpoint || !token) {
    throw new Error('not running under `iron-secrets run`: IRON_SECRETS_ENDPOINT is not set');
  }
  const response = await fetch(`${endpoint}/secrets`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`the injector's endpoint answered ${response.status}`);
  const values = (await response.json()) as Record<string, string>;
  const changed: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (process.env[name] !== value) {
      changed[name] = value;
      process.env[name] = value;
    }
  }
  return changed;
}

/**
 * On `signal` (SIGUSR1 by default): refresh, then call `callback(changed)` if anything changed;
 * `onError` (default: a line on stderr) if the refresh fails. Returns a function that stops it.
 */
export function watch(
  callback?: (changed: Record<string, string>) => void,
  options: { signal?: NodeJS.Signals; onError?: (error: unknown) => void } = {},
): () => void {
  const signal = options.signal ?? 'SIGUSR1';
  const onError =
    options.onError ??
    ((error: unknown) => process.stderr.write(`iron-secrets: refresh failed: ${String(error)}\n`));
  const handler = () => {
    refresh().then((changed) => {
      if (Object.keys(changed).length > 0) callback?.(changed);
    }, onError);
  };
  process.on(signal, handler);
  return () => process.off(signal, handler);
}
