/**
 * @module @iron/secrets-core
 * Iron Secrets as a library: encrypted secrets (AES-256-GCM under Argon2id per-secret keys), role
 * and scope checks (FR-6.3), a hash-chained audit trail, masking, and environments.
 */

export { AuditOperation, Disclosure } from '@iron/secrets-audit';
export { generateMasterKey } from '@iron/secrets-crypto';
export type { Requester } from '@iron/secrets-rbac';
export {
  ACCESS_MATRIX,
  ENVIRONMENTS,
  Environment,
  OPERATIONS,
  Operation,
  ROLES,
  Role,
} from '@iron/secrets-rbac';
export { type ChangeSubscription, printableLocation } from '@iron/secrets-storage';
export type { AccessToken, AccessTokenStatus } from './access-token.js';
export { type CopyReport, copyDatabase } from './copy-database.js';
export { MAX_DURATION_SECONDS, parseDuration } from './duration.js';
export { type ErrorCode, type ErrorDetails, IronSecretsError, isIronSecretsError } from './errors.js';
export { hasDuplicateJsonKey } from './json-duplicate-keys.js';
export {
  CHECKPOINT_PREFIX,
  type Checkpoint,
  checkpointSignatureValid,
  checkpointSignedBytes,
  parseCheckpoint,
} from './lib/checkpoint.js';
export { Doorbell } from './lib/doorbell.js';
export type { RotationOptions } from './lib/rotation-options.js';
export type { TokenWatch, TokenWatchEndReason } from './lib/token-watch.js';
export {
  assertUnreservedName,
  DEFAULT_MAX_VALUE_BYTES,
  MAX_SECRET_NAME_LENGTH,
  SECRET_NAME_PATTERN,
} from './limits.js';
export { maskSecret } from './mask-secret.js';
export {
  MASTER_KEY_FILE_VARIABLE,
  MASTER_KEY_VARIABLE,
  masterKeyFromEnvironment,
} from './master-key-source.js';
export { type MigrationReport, migrateDatabase } from './migrate-database.js';
export type { AuditEntry, AuditFilters, AuditLogQuery } from './operations/audit-log.js';
export type { AuditPublicKey } from './operations/audit-public-keys.js';
export type { SecretChangeEvent } from './operations/changes.js';
export type { CreateSecretOptions } from './operations/create-secret.js';
export type { CreatedToken, CreateTokenOptions } from './operations/create-token.js';
export type { DeleteSecretOptions } from './operations/delete-secret.js';
export type { AuditFollow, FollowAuditLogOptions } from './operations/follow-audit-log.js';
export type { GetSecretOptions } from './operations/get-secret.js';
export {
  type ImportResult,
  type ImportSecretsOptions,
  MAX_IMPORT_ENTRIES,
  type SecretEntry,
} from './operations/import-secrets.js';
export type { SecretNameListing } from './operations/list-secret-names.js';
export type { ListSecretsOptions } from './operations/list-secrets.js';
export type { PruneAuditLogOptions } from './operations/prune-audit-log.js';
export type { RevokeTokenResult } from './operations/revoke-token.js';
export type { RotateMasterKeyOptions } from './operations/rotate-master-key.js';
export type { SetSecretOptions, SetSecretResult } from './operations/set-secret.js';
export type { UpdateSecretOptions } from './operations/update-secret.js';
export type { AuditVerification, VerifyAuditLogOptions } from './operations/verify-audit-log.js';
export { MIN_REDACTED_LENGTH, REDACTED } from './redaction/redacted.js';
export {
  RedactionDictionary,
  type RedactionDictionaryOptions,
} from './redaction/redaction-dictionary.js';
export { redactionForms } from './redaction/redaction-forms.js';
export { RedactionScanner } from './redaction/redaction-scanner.js';
export type { RequesterInput } from './requester-input.js';
export {
  isReservedSecretName,
  RESERVED_NAME_RULES,
  type ReservedNameRule,
  reservedNameReason,
} from './reserved-names.js';
export {
  type RotationNotice,
  type RotationNoticeSubject,
  rotationNotice,
  worstRotationStatus,
} from './rotation-notice.js';
export { isRouteReservedName, ROUTE_RESERVED_NAMES } from './route-reserved-names.js';
export { type RotationStatus, SecretMetadata, type SecretMetadataFields } from './secret-metadata.js';
export { SecretRedactor } from './secret-redactor.js';
export { type OpenOptions, SecretsManager } from './secrets-manager.js';
export { auditEntryJson, isoSeconds, secretJson, secretNameJson } from './wire-format.js';
