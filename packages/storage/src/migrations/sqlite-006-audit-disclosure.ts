import type { Migration } from './migration.js';

/**
 * Issue 15: a READ records what it handed out (`value`, `masked` or `none`), so a listing is no
 * longer indistinguishable from a plaintext read. Null for every other operation and for entries
 * written before.
 */
export const sqlite006AuditDisclosure: Migration = {
  version: 6,
  name: '006_audit_disclosure',
  sql: `
ALTER TABLE secret_audit_log ADD COLUMN disclosure TEXT
  CHECK (disclosure IS NULL OR disclosure IN ('value', 'masked', 'none'));
`,
};
