import type { Migration } from './migration.js';

/** Settings of the installation: the master-key fingerprint, the wrapped audit-chain key. */
export const postgres001Meta: Migration = {
  version: 1,
  name: '001_meta',
  sql: `
CREATE TABLE iron_meta (
  key   TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 128),
  value TEXT NOT NULL
);
`,
};
