import type { Migration } from './migration.js';

/** What a READ handed out, as in SQLite's `006_audit_disclosure`. */
export const postgres006AuditDisclosure: Migration = {
  version: 6,
  name: '006_audit_disclosure',
  sql: `
ALTER TABLE secret_audit_log ADD COLUMN disclosure TEXT
  CHECK (disclosure IS NULL OR disclosure IN ('value', 'masked', 'none'));
`,
};
