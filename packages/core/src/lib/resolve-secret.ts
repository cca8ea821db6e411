/**
 * @module resolve-secret
 * Finding the row an operation means (RULINGS R1): in the environment given, or, when none is
 * given, the one environment among those the requester may reach that has the name.
 */
import type { Environment, Requester } from '@iron/secrets-rbac';
import type { SecretRow, Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';

/** The row, or why there is none. */
export type Resolution = { readonly row: SecretRow } | { readonly error: IronSecretsError };

/** Looks a secret up by name and optional environment, within the requester's environments. */
export async function resolveSecret(
  tx: Transaction,
  requester: Requester,
  name: string,
  environment: Environment | undefined,
): Promise<Resolution> {
  if (environment !== undefined) {
    const row = await tx.secrets.find(environment, name);
    return row ? { row } : { error: notFound(name, `in ${environment}`) };
  }
  const rows = await tx.secrets.findByName(name, requester.environments);
  const [only, ...others] = rows;
  if (!only) return { error: notFound(name, 'in any environment this requester may reach') };
  if (others.length > 0) {
    const environments = rows.map((row) => row.environment).join(', ');
    return {
      error: new IronSecretsError(
        'AMBIGUOUS_ENVIRONMENT',
        `secret '${name}' exists in several environments (${environments}); say which one with the environment option`,
      ),
    };
  }
  return { row: only };
}

function notFound(name: string, where: string): IronSecretsError {
  return new IronSecretsError('SECRET_NOT_FOUND', `no secret named '${name}' ${where}`);
}
