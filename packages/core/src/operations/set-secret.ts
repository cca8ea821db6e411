/**
 * @module set-secret
 * Create-or-update of one secret (what `iron-secrets set` and `vault kv put` do): the one-entry
 * case of an import with overwrite, so it has the same checks, audit entries and atomicity.
 */
import type { ManagerContext } from '../lib/context.js';
import type { RotationOptions } from '../lib/rotation-options.js';
import type { RequesterInput } from '../requester-input.js';
import { importSecrets } from './import-secrets.js';

/** Options of `setSecret`. */
export interface SetSecretOptions extends RotationOptions {
  /** Who stores it; omitted, the call acts as admin (R7). */
  readonly requester?: RequesterInput | undefined;
}

/** Whether the secret was new. */
export type SetSecretResult = 'created' | 'updated';

export async function setSecret(
  context: ManagerContext,
  name: string,
  value: string,
  environment: string,
  options: SetSecretOptions = {},
): Promise<SetSecretResult> {
  const result = await importSecrets(context, [{ name, value }], environment, {
    ...options,
    overwrite: true,
  });
  return result.created.length === 1 ? 'created' : 'updated';
}
