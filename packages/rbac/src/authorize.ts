/**
 * @module authorize
 * The one decision every operation goes through: may this requester do this, here?
 */
import { ACCESS_MATRIX } from './access-matrix.js';
import type { Environment } from './environment.js';
import type { Operation } from './operation.js';
import type { Requester } from './requester.js';
import { matchesSecretPattern } from './secret-pattern.js';

/** What an operation acts on. Absent fields are not checked (e.g. listing names no secret). */
export interface Target {
  readonly environment?: Environment | undefined;
  readonly name?: string | undefined;
}

/** The answer: allowed, or denied with a reason fit to show the requester. */
export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOWED: Decision = Object.freeze({ allowed: true });

/**
 * Decides whether `requester` may perform `operation` on `target`. Three checks, all of which
 * must pass: the role's FR-6.3 cell, the environment scope, the secret-name scope (R7).
 * The reason names the role, operation and scope, never a secret value.
 *
 * @example
 * ```ts
 * authorize({ role: 'viewer' }, 'update', { environment: 'production', name: 'KEY' });
 * // { allowed: false, reason: "role 'viewer' may not update secrets; ..." }
 * ```
 */
export function authorize(requester: Requester, operation: Operation, target: Target = {}): Decision {
  if (!ACCESS_MATRIX[operation][requester.role]) {
    return { allowed: false, reason: `role '${requester.role}' may not ${describe(operation)}` };
  }
  // A scoped admin administering would escape its scope: a token it mints, or a master key it
  // rotates, reaches every environment and secret.
  if (
    operation === 'administer' &&
    (requester.environments !== undefined || requester.secrets !== undefined)
  ) {
    return {
      allowed: false,
      reason: 'only an admin with no environment or secret scope may manage tokens or the master key',
    };
  }
  if (target.environment !== undefined && !reachesEnvironment(requester, target.environment)) {
    return {
      allowed: false,
      reason: `this requester is scoped to ${list(requester.environments ?? [])} and may not reach '${target.environment}'`,
    };
  }
  if (target.name !== undefined && !reachesSecret(requester, target.name)) {
    return {
      allowed: false,
      reason: `this requester is scoped to secrets matching ${list(requester.secrets ?? [])} and may not reach '${target.name}'`,
    };
  }
  return ALLOWED;
}

/**
 * Whether the requester's scope includes `environment` (no environment scope means all).
 *
 * @example
 * ```ts
 * reachesEnvironment({ role: 'agent', environments: ['production'] }, 'development'); // false
 * ```
 */
export function reachesEnvironment(requester: Requester, environment: Environment): boolean {
  return requester.environments === undefined || requester.environments.includes(environment);
}

/**
 * Whether the requester's scope includes the secret `name` (no secret scope means all).
 *
 * @example
 * ```ts
 * reachesSecret({ role: 'agent', secrets: ['OPENAI_*'] }, 'OPENAI_API_KEY'); // true
 * ```
 */
export function reachesSecret(requester: Requester, name: string): boolean {
  return (
    requester.secrets === undefined ||
    requester.secrets.some((pattern) => matchesSecretPattern(pattern, name))
  );
}

function describe(operation: Operation): string {
  switch (operation) {
    case 'create':
      return 'create secrets (admin only)';
    case 'read':
      return 'read full secret values (admin and agent only)';
    case 'read_masked':
      return 'read masked secret values (admin and viewer only)';
    case 'update':
      return 'update secrets (admin only)';
    case 'delete':
      return 'delete secrets (admin only)';
    case 'list':
      return 'list secrets with full values (admin and agent only)';
    case 'list_masked':
      return 'list secrets with masked values (admin and viewer only)';
    case 'read_audit':
      return 'read the audit log (admin and viewer only)';
    case 'administer':
      return 'manage access tokens or the master key (admin only)';
  }
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'nothing' : items.map((item) => `'${item}'`).join(', ');
}
