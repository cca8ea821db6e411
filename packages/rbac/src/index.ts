/**
 * @module @iron/secrets-rbac
 * Roles, operations, the FR-6.3 access matrix and requester scopes. Pure: no I/O.
 */
export { ACCESS_MATRIX } from './access-matrix.js';
export type { Decision, Target } from './authorize.js';
export { authorize, reachesEnvironment, reachesSecret } from './authorize.js';
export { ENVIRONMENTS, Environment, isEnvironment } from './environment.js';
export { OPERATIONS, Operation } from './operation.js';
export type { Requester } from './requester.js';
export { isRole, ROLES, Role } from './role.js';
export { isSecretPattern, matchesSecretPattern } from './secret-pattern.js';
export { listOperation, readOperation } from './value-access.js';
