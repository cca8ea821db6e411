import type { Migration } from './migration.js';

/**
 * Issue 14: every audit entry records the secret's version it acted on and its public digest
 * (the SHA-256 chain an outside verifier recomputes; null in entries written before). An access
 * token's MAC may be replaced, also on a revoked row: a master-key rotation re-keys every row
 * under the new audit-chain key. Nothing else of a token can change, as before.
 */
export const sqlite005AuditDigest: Migration = {
  version: 5,
  name: '005_audit_digest',
  sql: `
ALTER TABLE secret_audit_log ADD COLUMN secret_version INTEGER CHECK (secret_version IS NULL OR secret_version >= 1);
ALTER TABLE secret_audit_log ADD COLUMN digest TEXT CHECK (digest IS NULL OR length(digest) = 64);

DROP TRIGGER access_tokens_only_revoke;
CREATE TRIGGER access_tokens_only_revoke BEFORE UPDATE ON access_tokens
WHEN NEW.id IS NOT OLD.id OR NEW.token_hash IS NOT OLD.token_hash OR NEW.role IS NOT OLD.role
  OR NEW.agent_id IS NOT OLD.agent_id OR NEW.environments IS NOT OLD.environments
  OR NEW.secret_patterns IS NOT OLD.secret_patterns OR NEW.created_at IS NOT OLD.created_at
  OR NEW.created_by IS NOT OLD.created_by OR NEW.expires_at IS NOT OLD.expires_at
  OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS NOT OLD.revoked_at)
BEGIN
  SELECT RAISE(ABORT, 'an access token can only be revoked, once');
END;
`,
};
