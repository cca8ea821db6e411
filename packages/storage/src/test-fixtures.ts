/**
 * @module test-fixtures
 * Rows for storage tests: plausible shapes, no real ciphertext needed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessTokenRow, AuditRow, SecretRow } from './rows.js';

export function secretRow(overrides: Partial<SecretRow> = {}): SecretRow {
  return {
    id: randomUUID(),
    name: 'OPENAI_KEY',
    environment: 'production',
    encryptedBlob: randomBytes(40),
    nonce: randomBytes(12),
    salt: randomBytes(16),
    kdf: { algorithm: 'argon2id', version: 19, memoryKiB: 19456, iterations: 2, parallelism: 1 },
    createdAt: 1_700_000_000,
    updatedAt: 1_700_000_000,
    version: 1,
    expiresAt: null,
    rotateEverySeconds: null,
    ...overrides,
  };
}

export function auditRow(overrides: Partial<AuditRow> = {}): AuditRow {
  return {
    timestamp: 1_700_000_000,
    operation: 'CREATE',
    secretName: 'OPENAI_KEY',
    environment: 'production',
    requesterRole: 'admin',
    agentId: null,
    requesterId: null,
    success: true,
    errorMessage: null,
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    secretVersion: 1,
    digest: 'd'.repeat(64),
    disclosure: null,
    ...overrides,
  };
}

export function tokenRow(overrides: Partial<AccessTokenRow> = {}): AccessTokenRow {
  return {
    id: randomBytes(6).toString('hex'),
    tokenHash: randomBytes(32).toString('hex'),
    role: 'agent',
    agentId: null,
    environments: null,
    secretPatterns: null,
    createdAt: 1_700_000_000,
    createdBy: 'alice',
    expiresAt: null,
    revokedAt: null,
    mac: randomBytes(32).toString('hex'),
    ...overrides,
  };
}

/** A fresh directory, removed by the returned function. */
export function temporaryDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'iron-storage-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
