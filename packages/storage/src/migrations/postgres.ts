/**
 * @module postgres
 * PostgreSQL's migrations, in order: one per SQLite migration, under the same version number.
 */
import type { Migration } from './migration.js';
import { postgres001Meta } from './postgres-001-meta.js';
import { postgres002Secrets } from './postgres-002-secrets.js';
import { postgres003AccessTokens } from './postgres-003-access-tokens.js';
import { postgres004TokenMac } from './postgres-004-token-mac.js';
import { postgres005AuditDigest } from './postgres-005-audit-digest.js';
import { postgres006AuditDisclosure } from './postgres-006-audit-disclosure.js';

/** Every PostgreSQL migration, by version. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = Object.freeze([
  postgres001Meta,
  postgres002Secrets,
  postgres003AccessTokens,
  postgres004TokenMac,
  postgres005AuditDigest,
  postgres006AuditDisclosure,
]);
