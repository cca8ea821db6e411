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
  const { expiresAt, rotateEverySeconds } = options;
  let storedExpiry: number | null | undefined = expiresAt === null ? null : undefined;
  if (expiresAt !== undefined && expiresAt !== null) {
    if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
      throw new IronSecretsError('INVALID_ARGUMENT', 'expiresAt must be a valid Date');
    }
    storedExpiry = Math.floor(expiresAt.getTime() / 1000);
    if (storedExpiry <= now)
      throw new IronSecretsError('INVALID_ARGUMENT', 'expiresAt must be in the future');
  }
  if (
    rotateEverySeconds !== undefined &&
    rotateEverySeconds !== null &&
    (!Number.isInteger(rotateEverySeconds) ||
      rotateEverySeconds < 1 ||
      rotateEverySeconds > MAX_ROTATION_SECONDS)
  ) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      `rotateEverySeconds must be a whole number of seconds from 1 to ${MAX_ROTATION_SECONDS}`,
    );
  }
  return { expiresAt: storedExpiry, rotateEverySeconds };
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
