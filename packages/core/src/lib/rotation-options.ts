/**
 * @module rotation-options
 * Checking a secret's expiry and rotation interval (RULINGS R8).
 */
import { IronSecretsError } from '../errors.js';

/** A century: anything longer is a mistake in units, not an interval. */
const MAX_ROTATION_SECONDS = 100 * 365 * 86_400;

/** Expiry and rotation interval as the caller gives them. */
export interface RotationOptions {
  /** When the value stops being valid; must be in the future. `null` removes an expiry. */
  readonly expiresAt?: Date | null | undefined;
  /**
   * The expiry as a duration from the write, in whole seconds (what `--expires-in 90d` and the
   * API's `expires_in` give): counted from the library's clock at the write, so that the stored
   * expiry is exactly that long after the secret's `updatedAt`. Not together with `expiresAt`.
   */
  readonly expiresInSeconds?: number | undefined;
  /** How often the value should be rotated, in whole seconds. `null` removes the interval. */
  readonly rotateEverySeconds?: number | null | undefined;
}

/** The stored form: unix seconds, `undefined` for "leave as it is". */
export interface StoredRotation {
  readonly expiresAt: number | null | undefined;
  readonly rotateEverySeconds: number | null | undefined;
}

/** Checks rotation options against `now` (unix seconds). */
export function toStoredRotation(options: RotationOptions, now: number): StoredRotation {
  const { expiresInSeconds, rotateEverySeconds } = options;
  if (expiresInSeconds !== undefined) {
    if (options.expiresAt !== undefined) {
      throw new IronSecretsError('INVALID_ARGUMENT', 'give expiresAt or expiresInSeconds, not both');
    }
    if (!isInterval(expiresInSeconds)) {
      throw new IronSecretsError(
        'INVALID_ARGUMENT',
        `expiresInSeconds must be a whole number of seconds from 1 to ${MAX_ROTATION_SECONDS}`,
      );
    }
    return toStoredRotation(
      { expiresAt: new Date((now + expiresInSeconds) * 1000), rotateEverySeconds },
      now,
    );
  }
  const { expiresAt } = options;
  let storedExpiry: number | null | undefined = expiresAt === null ? null : undefined;
  if (expiresAt !== undefined && expiresAt !== null) {
    if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
      throw new IronSecretsError('INVALID_ARGUMENT', 'expiresAt must be a valid Date');
    }
    storedExpiry = Math.floor(expiresAt.getTime() / 1000);
    if (storedExpiry <= now)
      throw new IronSecretsError('INVALID_ARGUMENT', 'expiresAt must be in the future');
  }
  if (rotateEverySeconds !== undefined && rotateEverySeconds !== null && !isInterval(rotateEverySeconds)) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      `rotateEverySeconds must be a whole number of seconds from 1 to ${MAX_ROTATION_SECONDS}`,
    );
  }
  return { expiresAt: storedExpiry, rotateEverySeconds };
}

/** A whole number of seconds from 1 to a century. */
function isInterval(seconds: unknown): boolean {
  return Number.isInteger(seconds) && (seconds as number) >= 1 && (seconds as number) <= MAX_ROTATION_SECONDS;
}

/** Only the rotation settings the caller gave: `undefined` leaves an existing row's alone. */
export function definedRotation(rotation: StoredRotation): {
  expiresAt?: number | null;
  rotateEverySeconds?: number | null;
} {
  return {
    ...(rotation.expiresAt === undefined ? {} : { expiresAt: rotation.expiresAt }),
    ...(rotation.rotateEverySeconds === undefined ? {} : { rotateEverySeconds: rotation.rotateEverySeconds }),
  };
}
