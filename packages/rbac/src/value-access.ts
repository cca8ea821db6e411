/**
 * @module value-access
 * Which FR-6.3 row a read or a list falls under, from what the requester asked for.
 */
import { Operation } from './operation.js';
import type { Role } from './role.js';

/**
 * The operation a `get_secret` call is, for this role: viewers read masked values, admins and
 * agents full ones, unless they ask for the masked form.
 *
 * @example
 * ```ts
 * readOperation('viewer'); // 'read_masked'
 * readOperation('admin', { masked: true }); // 'read_masked'
 * ```
 */
export function readOperation(role: Role, options: { masked?: boolean | undefined } = {}): Operation {
  if (role === 'viewer' || options.masked === true) return Operation.ReadMasked;
  return Operation.Read;
}

/**
 * The operation a `list_secrets` call is, for this role: agents always list full values (that is
 * what they are for); admins list masked values unless they ask to reveal; a viewer asking to
 * reveal asks for the full row of FR-6.3, and is refused there.
 *
 * @example
 * ```ts
 * listOperation('agent'); // 'list'
 * listOperation('admin'); // 'list_masked'
 * listOperation('viewer', { reveal: true }); // 'list' (denied by authorize)
 * ```
 */
export function listOperation(role: Role, options: { reveal?: boolean | undefined } = {}): Operation {
  if (role === 'agent' || options.reveal === true) return Operation.List;
  return Operation.ListMasked;
}
