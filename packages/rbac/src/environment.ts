/**
 * @module environment
 * The three environments of FR-9.1: secret namespaces for a lifecycle stage.
 */

/**
 * A secret's namespace (FR-9). Secrets are isolated per environment: the same name may exist in
 * each one (RULINGS R1).
 *
 * @example
 * ```ts
 * import { Environment } from '@iron/secrets-rbac';
 * Environment.Production; // 'production'
 * ```
 */
export const Environment = {
  Development: 'development',
  Staging: 'staging',
  Production: 'production',
} as const;

/** One of `'development' | 'staging' | 'production'`. */
export type Environment = (typeof Environment)[keyof typeof Environment];

/**
 * Every environment, from least to most sensitive.
 *
 * @example
 * ```ts
 * ENVIRONMENTS.length; // 3
 * ```
 */
export const ENVIRONMENTS: readonly Environment[] = Object.freeze([
  Environment.Development,
  Environment.Staging,
  Environment.Production,
]);

/**
 * Narrows an unknown value to an {@link Environment}.
 *
 * @example
 * ```ts
 * isEnvironment('staging'); // true
 * isEnvironment('prod'); // false
 * ```
 */
export function isEnvironment(value: unknown): value is Environment {
  return typeof value === 'string' && (ENVIRONMENTS as readonly string[]).includes(value);
}
