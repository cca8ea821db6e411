/**
 * @module value-access
 * Which FR-6.3 row a read or a list falls under, from what the requester asked for.
 */
import { Operation } from './operation.js';
import type { Role } from './role.js';

/**
 * The operation a `get_secret` call is, for this role: viewers read masked values, admins and
 * agents full ones. `masked: true` asks for the masked value; `masked: false` insists on the full
 * value, which a viewer is then refused (the FR-6.3 row "get_secret (full)").
 *
 * @example
 * ```ts
 * readOperation('viewer'); // 'read_masked'
 * readOperation('viewer', { masked: false }); // 'read' (denied by authorize)
 * readOperation('admin', { masked: true }); // 'read_masked'
 * ```
 */
export function readOperation(role: Role, options: { masked?: boolean | undefined } = {}): Operation {
  if (options.masked === true) return Operation.ReadMasked;
  if (options.masked === false) return Operation.Read;
  return role === 'viewer' ? Operation.ReadMasked : Operation.Read;
}

/**
 * The operation a `list_secrets` call is, for this role: agents list full values (that is what
 * they are for) unless they ask for masked ones; admins list masked values unless they ask to
 * reveal; a viewer asking to reveal asks for the full row of FR-6.3, and is refused there.
 *
 * @example
 * ```ts
 * listOperation('agent'); // 'list'
 * listOperation('admin'); // 'list_masked'
 * listOperation('viewer', { reveal: true }); // 'list' (denied by authorize)
 * listOperation('agent', { masked: true }); // 'list_masked' (denied by authorize)
 * ```
 */
export function listOperation(
  role: Role,
  options: { reveal?: boolean | undefined; masked?: boolean | undefined } = {},
): Operation {
  if (options.masked === true) return Operation.ListMasked;
  if (role === 'agent' || options.reveal === true) return Operation.List;
  return Operation.ListMasked;
}
