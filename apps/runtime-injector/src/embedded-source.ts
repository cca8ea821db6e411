/**
 * @module embedded-source
 * Secrets straight from the embedded database, read as the agent (role `agent`, scoped to one
 * environment, its id in the audit log). Changes are noticed by polling the change feed's
 * counter: one indexed read every {@link DEFAULT_POLL_MS}, far cheaper than re-reading secrets.
 */
import {
  type Environment,
  masterKeyFromEnvironment,
  type Requester,
  SecretsManager,
} from '@iron/secrets-core';
import { injectableFilter, type WarningListener } from './injectable-names.js';
import { type NoticeListener, rotationNotifier } from './rotation-notices.js';
import type { SecretSource, SecretValues } from './secret-source.js';

/** How often the change counter is read. */
export const DEFAULT_POLL_MS = 250;

/** Options of {@link openEmbeddedSource}. */
export interface EmbeddedSourceOptions {
  /** The database path. */
  readonly database: string;
  readonly environment: Environment;
  /** Recorded in the audit log as the agent's identity. */
  readonly agentId: string;
  /** Where the master key variables are read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly pollMs?: number | undefined;
  /** Told once about each secret left out because its name is malformed or reserved (R10). */
  readonly onWarning?: WarningListener | undefined;
  /** Told once about each injected secret that is expired or due for rotation. */
  readonly onNotice?: NoticeListener | undefined;
}

/**
 * Opens the database (checking the master key) and returns a source of `environment`'s secrets.
 *
 * @example
 * ```ts
 * const source = await openEmbeddedSource({ database: 'secrets.db', environment: 'production', agentId: 'lead-bot' });
 * const values = await source.fetch();
 * ```
 */
export async function openEmbeddedSource(options: EmbeddedSourceOptions): Promise<SecretSource> {
  const manager = await SecretsManager.open({ database: options.database, env: options.env });
  const requester: Requester = {
    role: 'agent',
    agentId: options.agentId,
    environments: [options.environment],
  };
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  // A row written before reserved names were refused, or edited in, is never injected.
  const injectable = injectableFilter(options.onWarning);
  const notify = rotationNotifier(options.onNotice);
  // The change counter as it was before the last fetch read the secrets: watching starts from
  // there, so a change committed between the first fetch and the first poll is reported (it may
  // be reported although the fetch saw it already; the injector then finds nothing changed).
  let fetchedFrom: number | undefined;
  return {
    description: `${options.database} (${options.environment})`,
    credentials: masterKeyForms(options.env ?? process.env),
    async fetch(): Promise<SecretValues> {
      const sequence = await manager.changeSequence();
      const secrets = await manager.listSecrets(requester, options.environment);
      fetchedFrom ??= sequence;
      const values = injectable(secrets.map((secret) => [secret.name, secret.value!]));
      notify(secrets.filter((secret) => values.has(secret.name)));
      return values;
    },
    watch(onChange, onError) {
      let seen = fetchedFrom;
      let busy = false;
      const poll = async () => {
        if (busy) return;
        busy = true;
        try {
          const latest = await manager.changeSequence();
          if (seen !== undefined && latest > seen) {
            const changes = await manager.changesSince(seen, { requester });
            if (changes.length > 0) onChange();
          }
          seen = latest;
        } catch (error) {
          onError(error);
        } finally {
          busy = false;
        }
      };
      void poll();
      const timer = setInterval(() => void poll(), pollMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    close: () => manager.close(),
  };
}

/**
 * The master key as an agent could print it: base64 as it is given (the variable or the file) and
 * hex of its bytes. The key was checked by `open`, so it parses; the bytes are wiped here.
 */
function masterKeyForms(env: NodeJS.ProcessEnv): string[] {
  const key = masterKeyFromEnvironment(env);
  try {
    const bytes = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    return [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
  } finally {
    key.fill(0);
  }
}
