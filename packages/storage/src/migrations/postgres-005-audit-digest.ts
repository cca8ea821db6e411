import type { Migration } from './migration.js';

/** The secret's version and the public digest on audit entries, as in SQLite's `005_audit_digest`. */
export const postgres005AuditDigest: Migration = {
  version: 5,
  name: '005_audit_digest',
  sql: `
ALTER TABLE secret_audit_log ADD COLUMN secret_version BIGINT CHECK (secret_version IS NULL OR secret_version >= 1);
ALTER TABLE secret_audit_log ADD COLUMN digest TEXT CHECK (digest IS NULL OR length(digest) = 64);

CREATE OR REPLACE FUNCTION iron_access_token_only_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.token_hash IS DISTINCT FROM OLD.token_hash
    OR NEW.role IS DISTINCT FROM OLD.role OR NEW.agent_id IS DISTINCT FROM OLD.agent_id
    OR NEW.environments IS DISTINCT FROM OLD.environments
    OR NEW.secret_patterns IS DISTINCT FROM OLD.secret_patterns
    OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by
    OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
    OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at) THEN
    RAISE EXCEPTION 'an access token can only be revoked, once' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;
`,
};
