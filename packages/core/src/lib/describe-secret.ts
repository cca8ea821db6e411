/**
 * @module describe-secret
 * A stored row (and its opened value) as what reads hand out: one rule for a listing, a
 * names-only listing and a read of one name, so that all say the same about expiry and rotation.
 */
import type { SecretRow } from '@iron/secrets-storage';
import { maskSecret } from '../mask-secret.js';
import { rotationStatus, SecretMetadata, type SecretMetadataFields } from '../secret-metadata.js';
import { secretEtag } from './secret-etag.js';

/** A secret as a names-only listing describes it: everything but the value, masked or not. */
export type SecretNameListing = Omit<SecretMetadataFields, 'valueMasked'>;

/** Everything about `row` at unix time `now` but its value. */
export function describeSecretName(row: SecretRow, now: number): SecretNameListing {
  const rotationDueAt = row.rotateEverySeconds === null ? null : row.updatedAt + row.rotateEverySeconds;
  return {
    id: row.id,
    name: row.name,
    environment: row.environment as SecretNameListing['environment'],
    createdAt: new Date(row.createdAt * 1000),
    updatedAt: new Date(row.updatedAt * 1000),
    expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt * 1000),
    rotateEverySeconds: row.rotateEverySeconds,
    rotationDueAt: rotationDueAt === null ? null : new Date(rotationDueAt * 1000),
    rotationStatus: rotationStatus(now, row.expiresAt, rotationDueAt),
    etag: secretEtag(row),
  };
}

/**
 * The metadata of `row` at unix time `now`, with the full `value` only when `full` (FR-6.3
 * granted it); the masked value always.
 */
export function describeSecret(row: SecretRow, value: string, full: boolean, now: number): SecretMetadata {
  return new SecretMetadata(
    { ...describeSecretName(row, now), valueMasked: maskSecret(value) },
    full ? value : undefined,
  );
}
