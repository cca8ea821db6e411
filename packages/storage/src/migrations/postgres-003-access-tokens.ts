import type { Migration } from './migration.js';

/** Access tokens, as in SQLite's `003_access_tokens`: added and revoked, never changed or deleted. */
export const postgres003AccessTokens: Migration = {
  version: 3,
  name: '003_access_tokens',
  sql: `
CREATE TABLE access_tokens (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  token_hash TEXT NOT NULL CHECK (length(token_hash) = 64),
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer', 'agent')),
  agent_id TEXT,
  environments TEXT,
  secret_patterns TEXT,
  created_at BIGINT NOT NULL,
  created_by TEXT,
  expires_at BIGINT,
  revoked_at BIGINT
);

CREATE FUNCTION iron_access_token_only_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.token_hash IS DISTINCT FROM OLD.token_hash
    OR NEW.role IS DISTINCT FROM OLD.role OR NEW.agent_id IS DISTINCT FROM OLD.agent_id
    OR NEW.environments IS DISTINCT FROM OLD.environments
    OR NEW.secret_patterns IS DISTINCT FROM OLD.secret_patterns
    OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by
    OR NEW.expires_at IS DISTINCT FROM OLD.expires_at OR OLD.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'an access token can only be revoked, once' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER access_tokens_no_delete BEFORE DELETE ON access_tokens
  FOR EACH ROW EXECUTE FUNCTION iron_refuse('access_tokens keeps revoked tokens: revoke instead of deleting');
CREATE TRIGGER access_tokens_no_truncate BEFORE TRUNCATE ON access_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION iron_refuse('access_tokens keeps revoked tokens: revoke instead of deleting');
CREATE TRIGGER access_tokens_only_revoke BEFORE UPDATE ON access_tokens
  FOR EACH ROW EXECUTE FUNCTION iron_access_token_only_revoke();
`,
};
