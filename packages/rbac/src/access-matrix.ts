/**
 * @module access-matrix
 * The FR-6.3 table, transcribed cell by cell. It is data, not code, so that it can be read
 * against the spec in one glance and so that tests can be generated from it.
 */
import { Operation } from './operation.js';
import { Role } from './role.js';

/**
 * Which role may perform which operation (FR-6.3). `true` is ✅, `false` is ❌.
 *
 * | Operation | Admin | Viewer | Agent |
 * |-----------|:-----:|:------:|:-----:|
 * | create_secret | ✅ | ❌ | ❌ |
 * | get_secret (full) | ✅ | ❌ | ✅ |
 * | get_secret (masked) | ✅ | ✅ | ❌ |
 * | update_secret | ✅ | ❌ | ❌ |
 * | delete_secret | ✅ | ❌ | ❌ |
 * | list_secrets (full) | ✅ | ❌ | ✅ |
 * | list_secrets (masked) | ✅ | ✅ | ❌ |
 * | audit log (not in FR-6.3) | ✅ | ✅ | ❌ |
 * | administer: tokens, master key (not in FR-6.3) | ✅ | ❌ | ❌ |
 *
 * @example
 * ```ts
 * ACCESS_MATRIX.read.viewer; // false
 * ```
 */
export const ACCESS_MATRIX: Readonly<Record<Operation, Readonly<Record<Role, boolean>>>> = Object.freeze({
  [Operation.Create]: { [Role.Admin]: true, [Role.Viewer]: false, [Role.Agent]: false },
  [Operation.Read]: { [Role.Admin]: true, [Role.Viewer]: false, [Role.Agent]: true },
  [Operation.ReadMasked]: { [Role.Admin]: true, [Role.Viewer]: true, [Role.Agent]: false },
  [Operation.Update]: { [Role.Admin]: true, [Role.Viewer]: false, [Role.Agent]: false },
  [Operation.Delete]: { [Role.Admin]: true, [Role.Viewer]: false, [Role.Agent]: false },
  [Operation.List]: { [Role.Admin]: true, [Role.Viewer]: false, [Role.Agent]: true },
  [Operation.ListMasked]: { [Role.Admin]: true, [Role.Viewer]: true, [Role.Agent]: false },
  // Auditors are viewers; agents have no business reading who else touched what.
  [Operation.ReadAudit]: { [Role.Admin]: true, [Role.Viewer]: true, [Role.Agent]: false },
  // Whoever mints tokens or holds the master key can reach everything: admins only (and see
  // authorize: unscoped admins only).
  [Operation.Administer]: { [Role.Admin]: true, [Role.Viewer]: false, [Role.Agent]: false },
});
