/**
 * @module sqlite
 * SQLite's migrations, in order.
 */
import type { Migration } from './migration.js';
import { sqlite001Meta } from './sqlite-001-meta.js';
import { sqlite002Secrets } from './sqlite-002-secrets.js';
import { sqlite003AccessTokens } from './sqlite-003-access-tokens.js';
import { sqlite004TokenMac } from './sqlite-004-token-mac.js';
import { sqlite005AuditDigest } from './sqlite-005-audit-digest.js';
import { sqlite006AuditDisclosure } from './sqlite-006-audit-disclosure.js';

/** Every SQLite migration, by version. */
export const SQLITE_MIGRATIONS: readonly Migration[] = Object.freeze([
  sqlite001Meta,
  sqlite002Secrets,
  sqlite003AccessTokens,
  sqlite004TokenMac,
  sqlite005AuditDigest,
  sqlite006AuditDisclosure,
]);
