import type { Migration } from './migration.js';

/** A MAC on every access token row, as in SQLite's `004_token_mac`. */
export const postgres004TokenMac: Migration = {
  version: 4,
  name: '004_token_mac',
  sql: `
ALTER TABLE access_tokens ADD COLUMN mac TEXT CHECK (mac IS NULL OR length(mac) = 64);
`,
};
