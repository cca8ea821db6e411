import type { Migration } from './migration.js';

/**
 * A MAC on every access token row: HMAC-SHA256 of its fields under the installation's audit-chain
 * key (which only a holder of the master key can unwrap). Someone who can write to the database
 * but has no master key can then neither mint a token nor widen, re-scope or un-expire one.
 */
export const sqlite004TokenMac: Migration = {
  version: 4,
  name: '004_token_mac',
  sql: `
ALTER TABLE access_tokens ADD COLUMN mac TEXT CHECK (mac IS NULL OR length(mac) = 64);
`,
};
