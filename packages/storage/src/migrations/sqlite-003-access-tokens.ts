import type { Migration } from './migration.js';

/**
 * Access tokens: what the HTTP API and a remote `iron-secrets run` authenticate with. A token is
 * stored only as the SHA-256 of its secret part (the token is 256 random bits, so a fast hash is
 * enough: there is nothing to brute-force). Its role and scope (RULINGS R7) live with it.
 * Tokens are revoked, never deleted, so the audit log's requester ids keep meaning something.
 */
export const sqlite003AccessTokens: Migration = {
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
  created_at INTEGER NOT NULL,
  created_by TEXT,
  expires_at INTEGER,
  revoked_at INTEGER
);

CREATE TRIGGER access_tokens_no_delete BEFORE DELETE ON access_tokens
BEGIN
  SELECT RAISE(ABORT, 'access_tokens keeps revoked tokens: revoke instead of deleting');
END;

CREATE TRIGGER access_tokens_only_revoke BEFORE UPDATE ON access_tokens
WHEN NEW.id IS NOT OLD.id OR NEW.token_hash IS NOT OLD.token_hash OR NEW.role IS NOT OLD.role
  OR NEW.agent_id IS NOT OLD.agent_id OR NEW.environments IS NOT OLD.environments
  OR NEW.secret_patterns IS NOT OLD.secret_patterns OR NEW.created_at IS NOT OLD.created_at
  OR NEW.created_by IS NOT OLD.created_by OR NEW.expires_at IS NOT OLD.expires_at
  OR OLD.revoked_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'an access token can only be revoked, once');
END;
`,
};
