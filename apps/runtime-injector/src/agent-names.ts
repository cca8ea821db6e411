/**
 * @module agent-names
 * Which names the Node agent helper applies to `process.env`. The helper runs inside the agent
 * and must not load core (a database driver, the crypto), so core's rule is repeated here and a
 * test keeps the two equal: the name pattern and length of `limits.ts`, and the reserved names of
 * `reserved-names.ts` (names that would change how a program starts, never injected).
 */

/** Core's SECRET_NAME_PATTERN: a letter or underscore, then letters, digits and underscores. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Core's MAX_SECRET_NAME_LENGTH. */
export const MAX_SECRET_NAME_LENGTH = 256;

/**
 * Reserved names (core's isReservedSecretName). Until core's table is generated next to the
 * helper (`reserved-names.generated.ts`), nothing beyond the pattern is refused here; the
 * injector's sources refuse reserved names before they reach the endpoint.
 */
const isReservedSecretName = (_name: string): boolean => false;

/**
 * Whether the helper may set `name` in the agent's environment: a valid secret name, and not a
 * reserved one.
 *
 * @example
 * ```ts
 * isApplicableSecretName('OPENAI_API_KEY'); // true
 * isApplicableSecretName('bad-name');       // false
 * ```
 */
export function isApplicableSecretName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_SECRET_NAME_LENGTH &&
    SECRET_NAME_PATTERN.test(name) &&
    !isReservedSecretName(name)
  );
}
