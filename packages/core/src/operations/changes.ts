/**
 * @module changes
 * The change feed: what changed (never a value), for live rotation and change events.
 */
import type { Environment } from '@iron/secrets-rbac';
import { reachesEnvironment, reachesSecret } from '@iron/secrets-rbac';
import type { SecretChange } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import type { ManagerContext } from '../lib/context.js';
import { wholeNumber } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** The most changes one call returns; page with the last `seq`. */
const MAX_CHANGES_LIMIT = 10_000;

/** One change to a secret. */
export interface SecretChangeEvent {
  /** Monotonic position in the feed. */
  readonly seq: number;
  readonly kind: 'created' | 'updated' | 'deleted';
  readonly name: string;
  readonly environment: Environment;
  readonly changedAt: Date;
}

/** The latest change's sequence number (0 when none): cheap enough to poll every few hundred ms. */
export function changeSequence(context: ManagerContext): Promise<number> {
  return context.storage.transaction((tx) => tx.changes.latest(), { readOnly: true });
}

/**
 * Changes after `seq`, oldest first, limited to what the requester may reach: up to `limit` of
 * them. The scope is not SQL, so pages are read until `limit` changes passed it or the feed is
 * exhausted: a scoped agent is not handed `[]` (read as "nothing new") while its changes wait
 * behind others'.
 */
export async function changesSince(
  context: ManagerContext,
  seq: number,
  options: { requester?: RequesterInput | undefined; limit?: number | undefined } = {},
): Promise<SecretChangeEvent[]> {
  const requester = toRequester(options.requester);
  if (!Number.isInteger(seq) || seq < 0) {
    throw new IronSecretsError('INVALID_ARGUMENT', 'seq must be a whole number, 0 or more');
  }
  const limit = wholeNumber(options.limit, 'limit', 1, MAX_CHANGES_LIMIT);
  const wanted = limit ?? MAX_CHANGES_LIMIT;
  const reached = (change: SecretChange) =>
    reachesEnvironment(requester, change.environment as Environment) && reachesSecret(requester, change.name);
  const changes = await context.storage.transaction(
    async (tx) => {
      const found: SecretChange[] = [];
      for (let cursor = seq; ; ) {
        const page = await tx.changes.since(cursor, wanted);
        for (const change of page) {
          if (reached(change)) found.push(change);
          if (found.length === wanted) return found;
        }
        if (page.length < wanted) return found;
        cursor = page.at(-1)!.seq;
      }
    },
    { readOnly: true },
  );
  return changes.map((change) => ({
    ...change,
    environment: change.environment as Environment,
    changedAt: new Date(change.changedAt * 1000),
  }));
}
