/**
 * @module requester-input
 * Turning what a caller passes as a requester into a checked {@link Requester}.
 */
import {
  ENVIRONMENTS,
  type Environment,
  isEnvironment,
  isRole,
  isSecretPattern,
  type Requester,
  ROLES,
  type Role,
} from '@iron/secrets-rbac';
import { IronSecretsError } from './errors.js';
import { describeType } from './limits.js';

/**
 * Who performs an operation: a role (`'agent'`), or a role with an identity and a scope.
 * Omitted, a library call acts as `admin` (RULINGS R7).
 *
 * @example
 * ```ts
 * const requester: RequesterInput = { role: 'agent', agentId: 'lead-bot', environments: ['production'] };
 * ```
 */
export type RequesterInput = Role | Requester;

/** Identities are short printable labels: they are written to the audit log and shown. */
const IDENTITY = /^[\x21-\x7e]{1,128}$/;

const ADMIN: Requester = Object.freeze({ role: 'admin' });

/**
 * Checks and normalises a requester. Anything malformed is INVALID_REQUESTER: a requester is a
 * security decision, so a typo must not silently widen or narrow access.
 */
export function toRequester(input: RequesterInput | undefined): Requester {
  if (input === undefined) return ADMIN;
  if (typeof input === 'string') {
    if (!isRole(input)) throw invalid(`the role must be one of ${ROLES.join(', ')}`);
    return { role: input };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(
      `a requester is a role or { role, agentId?, id?, environments?, secrets? }; got ${describeType(input)}`,
    );
  }
  const { role, agentId, id, environments, secrets } = input;
  if (!isRole(role)) throw invalid(`the role must be one of ${ROLES.join(', ')}`);
  return {
    role,
    agentId: identity(agentId, 'agentId'),
    id: identity(id, 'id'),
    environments: environmentScope(environments),
    secrets: secretScope(secrets),
  };
}

function identity(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDENTITY.test(value)) {
    throw invalid(`${field} must be 1 to 128 printable ASCII characters without spaces`);
  }
  return value;
}

function environmentScope(value: unknown): readonly Environment[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isEnvironment)) {
    throw invalid(`environments must be a list of ${ENVIRONMENTS.join(', ')}`);
  }
  return Object.freeze([...value]);
}

function secretScope(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    !value.every((pattern) => typeof pattern === 'string' && isSecretPattern(pattern))
  ) {
    throw invalid('secrets must be a list of secret names or patterns with * (like OPENAI_*)');
  }
  return Object.freeze([...value]);
}

function invalid(message: string): IronSecretsError {
  return new IronSecretsError('INVALID_REQUESTER', message);
}
