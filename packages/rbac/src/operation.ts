/**
 * @module operation
 * The operations of the FR-6.3 table, one per row, plus reading the audit trail.
 */

/**
 * An operation a requester asks to perform. Reading and listing come in two kinds, full value and
 * masked value, because FR-6.3 grants them separately.
 *
 * @example
 * ```ts
 * import { Operation } from '@iron/secrets-rbac';
 * Operation.ReadMasked; // 'read_masked'
 * ```
 */
export const Operation = {
  Create: 'create',
  Read: 'read',
  ReadMasked: 'read_masked',
  Update: 'update',
  Delete: 'delete',
  List: 'list',
  ListMasked: 'list_masked',
  /** Not in FR-6.3: reading the audit trail. Admins and viewers (auditors are viewers). */
  ReadAudit: 'read_audit',
  /**
   * Not in FR-6.3: managing access tokens and rotating the master key. Admin only, and only an
   * admin with no scope: a token scoped to staging must not mint itself a production token.
   */
  Administer: 'administer',
} as const;

/** One of the {@link Operation} values. */
export type Operation = (typeof Operation)[keyof typeof Operation];

/**
 * Every operation, in the order of the FR-6.3 table's rows.
 *
 * @example
 * ```ts
 * OPERATIONS.length; // 9
 * ```
 */
export const OPERATIONS: readonly Operation[] = Object.freeze(Object.values(Operation));
