/**
 * @module describe-secret
 * A stored row and its opened value as the {@link SecretMetadata} that reads hand out: one rule
 * for a listing and a read of one name, so that both say the same about expiry and rotation.
 */
import type { SecretRow } from '@iron/secrets-storage';
import { maskSecret } from '../mask-secret.js';
import { rotationStatus, SecretMetadata } from '../secret-metadata.js';

/**
 * The metadata of `row` at unix time `now`, with the full `value` only when `full` (FR-6.3
 * granted it); the masked value always.
 */
export function describeSecret(row: SecretRow, value: string, full: boolean, now: number): SecretMetadata {
  const rotationDueAt = row.rotateEverySeconds === null ? null : row.updatedAt + row.rotateEverySeconds;
  return new SecretMetadata(
    {
      id: row.id,
      name: row.name,
      environment: row.environment as SecretMetadata['environment'],
      valueMasked: maskSecret(value),
      createdAt: new Date(row.createdAt * 1000),
      updatedAt: new Date(row.updatedAt * 1000),
      expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt * 1000),
      rotateEverySeconds: row.rotateEverySeconds,
      rotationDueAt: rotationDueAt === null ? null : new Date(rotationDueAt * 1000),
      rotationStatus: rotationStatus(now, row.expiresAt, rotationDueAt),
    },
    full ? value : undefined,
  );
}
