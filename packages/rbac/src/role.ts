/**
 * @module role
 * The three roles of FR-6.2. A string union for code, a constant object for readers of the spec
 * (`Role.Admin === 'admin'`).
 */

/**
 * The requester's authorisation level (FR-6.2).
 *
 * @example
 * ```ts
 * import { Role } from '@iron/secrets-rbac';
 * Role.Viewer; // 'viewer'
 * ```
 */
export const Role = {
  /** Full CRUD: create, read full values, update, delete. */
  Admin: 'admin',
  /** Read-only, masked values only (dashboards, auditors). */
  Viewer: 'viewer',
  /** Read-only, full values: agents at run time. */
  Agent: 'agent',
} as const;

/** One of `'admin' | 'viewer' | 'agent'`. */
export type Role = (typeof Role)[keyof typeof Role];

/**
 * Every role, in the order of the FR-6.3 table's columns.
 *
 * @example
 * ```ts
 * ROLES.includes('agent'); // true
 * ```
 */
export const ROLES: readonly Role[] = Object.freeze([Role.Admin, Role.Viewer, Role.Agent]);

/**
 * Narrows an unknown value to a {@link Role}.
 *
 * @example
 * ```ts
 * isRole('admin'); // true
 * isRole('root'); // false
 * ```
 */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
