/**
 * @module limits
 * What a secret's name and value may be. Checked before anything is written.
 */
import { ENVIRONMENTS, type Environment, isEnvironment } from '@iron/secrets-rbac';
import { IronSecretsError } from './errors.js';
import { reservedNameMatch } from './reserved-names.js';
import { isRouteReservedName } from './route-reserved-names.js';

/**
 * A secret name: a letter or underscore, then letters, digits and underscores. The shape of an
 * environment variable name, since that is what a secret becomes in an agent (and what keeps SQL
 * and shell metacharacters out, as the spec's SQL-injection section asks).
 *
 * @example
 * ```ts
 * SECRET_NAME_PATTERN.test('OPENAI_API_KEY'); // true
 * ```
 */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The longest secret name, in characters.
 *
 * @example
 * ```ts
 * MAX_SECRET_NAME_LENGTH; // 256
 * ```
 */
export const MAX_SECRET_NAME_LENGTH = 256;

/**
 * The largest secret value by default, in UTF-8 bytes (64 KiB); `maxValueBytes` changes it.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_VALUE_BYTES; // 65536
 * ```
 */
export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024;

const NAME_RULE = `secret names are 1 to ${MAX_SECRET_NAME_LENGTH} characters: a letter or underscore, then letters, digits or underscores (like OPENAI_API_KEY)`;

/**
 * Throws INVALID_SECRET_NAME unless `name` is a valid secret name. The message describes what is
 * wrong without repeating the name: a value passed where a name belongs must not be echoed.
 */
export function assertSecretName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new IronSecretsError('INVALID_SECRET_NAME', `${NAME_RULE}; got ${describeType(name)}`);
  }
  if (name.length === 0 || name.length > MAX_SECRET_NAME_LENGTH) {
    throw new IronSecretsError('INVALID_SECRET_NAME', `${NAME_RULE}; got ${name.length} characters`);
  }
  if (!SECRET_NAME_PATTERN.test(name)) {
    const position = firstBadPosition(name);
    throw new IronSecretsError(
      'INVALID_SECRET_NAME',
      `${NAME_RULE}; the character at position ${position} is not allowed there`,
    );
  }
}

/**
 * Throws RESERVED_SECRET_NAME when a secret may not be written under `name` (R10, or a path
 * segment of the HTTP API's routes under `/api/secrets/`: see `route-reserved-names.ts`), saying why.
 * Checked after {@link assertSecretName}, wherever a name is written; never where one is read or
 * deleted, so that a row written before the rule can still be cleaned up. A name matching one of
 * the table's names is echoed (it is a word anyone can read there); one matching a prefix is
 * not, only the prefix: a value typed where the name belongs could start with `LD_`.
 *
 * @example
 * ```ts
 * assertUnreservedName('OPENAI_API_KEY'); // returns
 * assertUnreservedName('NODE_OPTIONS'); // throws IronSecretsError RESERVED_SECRET_NAME
 * ```
 */
export function assertUnreservedName(name: string): void {
  if (isRouteReservedName(name)) {
    throw new IronSecretsError(
      'RESERVED_SECRET_NAME',
      `${name} is a reserved name: the HTTP API serves GET /api/secrets/${name} itself, so a secret under it could not be read over HTTP; choose another name (names are case-sensitive: ${name.toUpperCase()} is allowed)`,
    );
  }
  const match = reservedNameMatch(name);
  if (match === undefined) return;
  const subject =
    match.prefix === undefined
      ? `${name} is a reserved name`
      : `names starting with ${match.prefix} are reserved`;
  throw new IronSecretsError(
    'RESERVED_SECRET_NAME',
    `${subject}: ${match.why}; a secret under such a name would let whoever can write it change how every agent it is injected into starts, so it is never stored or injected; choose another name`,
  );
}

/**
 * Throws INVALID_SECRET_VALUE unless `value` is a non-empty, well-formed UTF-8 string of at most
 * `maxBytes` bytes with no NUL character. Never includes the value in the message.
 */
export function assertSecretValue(value: unknown, maxBytes: number): asserts value is string {
  if (typeof value !== 'string') {
    throw new IronSecretsError(
      'INVALID_SECRET_VALUE',
      `a secret value must be a string; got ${describeType(value)}`,
    );
  }
  if (value.length === 0) {
    throw new IronSecretsError('INVALID_SECRET_VALUE', 'a secret value must not be empty');
  }
  // A lone surrogate cannot be encoded as UTF-8: encoding would silently store U+FFFD instead.
  if (!value.isWellFormed()) {
    throw new IronSecretsError(
      'INVALID_SECRET_VALUE',
      'a secret value must be valid Unicode text; it contains an unpaired surrogate',
    );
  }
  // Values become environment variables, which cannot hold NUL: refuse it now, not at injection.
  if (value.includes('\0')) {
    throw new IronSecretsError(
      'INVALID_SECRET_VALUE',
      'a secret value must not contain a NUL character (environment variables cannot hold one)',
    );
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes) {
    throw new IronSecretsError(
      'INVALID_SECRET_VALUE',
      `a secret value may be at most ${maxBytes} bytes of UTF-8; got ${bytes} bytes`,
    );
  }
}

/** Throws INVALID_ENVIRONMENT unless `environment` is one of the three (FR-9.1). */
export function assertEnvironment(environment: unknown): asserts environment is Environment {
  if (!isEnvironment(environment)) {
    // Not echoed: a value passed in the wrong argument position must not end up in a message.
    const got =
      typeof environment === 'string'
        ? `a ${environment.length}-character string`
        : describeType(environment);
    throw new IronSecretsError(
      'INVALID_ENVIRONMENT',
      `the environment must be one of ${ENVIRONMENTS.join(', ')}; got ${got}`,
    );
  }
}

/** Like {@link assertEnvironment}, for an optional environment. */
export function assertOptionalEnvironment(
  environment: unknown,
): asserts environment is Environment | undefined {
  if (environment !== undefined) assertEnvironment(environment);
}

/** An optional whole number within bounds, else INVALID_ARGUMENT naming the field. */
export function wholeNumber(
  value: number | undefined,
  field: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new IronSecretsError('INVALID_ARGUMENT', `${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Names the kind of a wrong-typed argument without showing it. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function firstBadPosition(name: string): number {
  for (let index = 0; index < name.length; index += 1) {
    const char = name[index]!;
    const allowed = index === 0 ? /[A-Za-z_]/ : /[A-Za-z0-9_]/;
    if (!allowed.test(char)) return index + 1;
  }
  return 1;
}
