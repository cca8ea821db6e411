/**
 * @module changes
 * The change feed: what changed (never a value), for live rotation and change events.
 */
import type { Environment } from '@iron/secrets-rbac';
import { reachesEnvironment, reachesSecret } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import type { ManagerContext } from '../lib/context.js';
import { wholeNumber } from '../limits.js';

/** The most changes one call returns; page with the last `seq`. */
const MAX_CHANGES_LIMIT = 10_000;

import { type RequesterInput, toRequester } from '../requester-input.js';

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

/** Changes after `seq`, oldest first, limited to what the requester may reach. */
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
  const changes = await context.storage.transaction((tx) => tx.changes.since(seq, limit), {
    readOnly: true,
  });
  return changes
    .filter(
      (change) =>
        reachesEnvironment(requester, change.environment as Environment) &&
        reachesSecret(requester, change.name),
    )
    .map((change) => ({
      ...change,
      environment: change.environment as Environment,
      changedAt: new Date(change.changedAt * 1000),
    }));
}
