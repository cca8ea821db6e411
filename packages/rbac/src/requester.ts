/**
 * @module requester
 * Who asks: a role plus an identity and an optional scope (RULINGS R7).
 */
import type { Environment } from './environment.js';
import type { Role } from './role.js';

/**
 * The party performing an operation. Its role decides what it may do (FR-6.3); its scope narrows
 * where it may do it (R7). Scopes apply to every role: a token may be an admin of staging only.
 *
 * @example
 * ```ts
 * const agent: Requester = { role: 'agent', agentId: 'lead-bot', environments: ['production'], secrets: ['OPENAI_*'] };
 * ```
 */
export interface Requester {
  readonly role: Role;
  /** The agent's identity, recorded in the audit log's `agent_id`. */
  readonly agentId?: string | undefined;
  /** The requester's identity beyond its role: a token id or an operator's user name. */
  readonly id?: string | undefined;
  /** The environments it may reach; absent means all of them. */
  readonly environments?: readonly Environment[] | undefined;
  /** Secret-name patterns it may reach (`*` matches any run of characters); absent means all. */
  readonly secrets?: readonly string[] | undefined;
}
