/**
 * @module check-health
 * What a load balancer needs to know about this manager: can it reach its database, and does the
 * database still belong to its master key. A server whose key was rotated away by another process
 * can no longer read or write anything, so it is unhealthy, not merely failing requests.
 */
import type { ErrorCode } from '../errors.js';
import { IronSecretsError } from '../errors.js';
import type { ManagerContext } from '../lib/context.js';
import { assertCurrentMasterKey } from '../lib/master-key-binding.js';
import { translateError } from '../lib/translate-error.js';

/** The outcome of `SecretsManager.health()`: never a key, a value or a token. */
export interface ManagerHealth {
  /** True when the database answers and still belongs to this manager's master key. */
  readonly ok: boolean;
  /** Whether a read of the database succeeded (`unknown` once the manager is closed). */
  readonly database: 'reachable' | 'unreachable' | 'unknown';
  /** `rotated` when the database was rotated to another master key since this manager opened it. */
  readonly masterKey: 'current' | 'rotated' | 'unknown';
  /** Why it is unhealthy, as an error code: STORAGE_UNAVAILABLE, MASTER_KEY_MISMATCH, MANAGER_CLOSED... */
  readonly code?: ErrorCode;
  /** Why it is unhealthy, for people. */
  readonly reason?: string;
}

/** One read transaction: the fingerprint row. Never throws. */
export async function checkHealth(context: ManagerContext): Promise<ManagerHealth> {
  try {
    await context.storage.transaction((tx) => assertCurrentMasterKey(context, tx), { readOnly: true });
    return { ok: true, database: 'reachable', masterKey: 'current' };
  } catch (error) {
    return unhealthy(error);
  }
}

/** The health of a manager that could not check: closed, or failing before the read. */
export function unhealthy(error: unknown): ManagerHealth {
  const translated = translateError(error);
  if (!(translated instanceof IronSecretsError)) {
    return {
      ok: false,
      database: 'unreachable',
      masterKey: 'unknown',
      code: 'STORAGE_UNAVAILABLE',
      reason: 'the database could not be read',
    };
  }
  const { code, message: reason } = translated;
  if (code === 'MASTER_KEY_MISMATCH')
    return { ok: false, database: 'reachable', masterKey: 'rotated', code, reason };
  if (code === 'MANAGER_CLOSED')
    return { ok: false, database: 'unknown', masterKey: 'unknown', code, reason };
  return { ok: false, database: 'unreachable', masterKey: 'unknown', code, reason };
}
