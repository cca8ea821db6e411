/**
 * @module environment-value
 * Whether a value can be an environment variable of an agent. One rule for the injector's sources
 * and the Node helper (which must not load core): core refuses such values on write, but a hostile
 * server may send them anyway, and Node's own refusal would stop the process with the value in
 * its message.
 */

/**
 * Why `value` cannot be an environment variable, or `undefined` when it can.
 *
 * @example
 * ```ts
 * environmentValueProblem('abc\u0000def'); // 'its value holds a NUL byte, ...'
 * ```
 */
export function environmentValueProblem(value: string): string | undefined {
  if (value.includes('\u0000'))
    return 'its value holds a NUL byte, which an environment variable cannot carry';
  if (!value.isWellFormed()) return 'its value is not well-formed Unicode text';
  return undefined;
}
