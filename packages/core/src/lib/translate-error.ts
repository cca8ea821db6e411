/**
 * @module translate-error
 * Errors of the lower packages become {@link IronSecretsError}s with the same meaning, so apps
 * handle one class.
 */
import { CryptoError } from '@iron/secrets-crypto';
import { StorageError } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';

/** Returns an IronSecretsError for a crypto or storage error; anything else unchanged. */
export function translateError(error: unknown): unknown {
  if (error instanceof IronSecretsError) return error;
  if (error instanceof CryptoError) return new IronSecretsError(error.code, error.message, { cause: error });
  if (error instanceof StorageError) {
    return new IronSecretsError(error.code, error.message, { cause: error, failure: error.failure });
  }
  return error;
}

/** Runs `work`, translating what it throws. */
export async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateError(error);
  }
}
