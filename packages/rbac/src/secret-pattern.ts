/**
 * @module secret-pattern
 * Secret-name patterns of a requester's scope: a name, or a name with `*` wildcards.
 */

/** A pattern is a secret name in which `*` may stand for any run of name characters. */
const SECRET_PATTERN = /^[A-Za-z0-9_*]{1,256}$/;

/**
 * Whether `pattern` is a well-formed secret-name pattern (`OPENAI_*`, `*_TOKEN`, `DB_PASSWORD`).
 *
 * @example
 * ```ts
 * isSecretPattern('OPENAI_*'); // true
 * isSecretPattern('OPENAI.*'); // false
 * ```
 */
export function isSecretPattern(pattern: string): boolean {
  return SECRET_PATTERN.test(pattern);
}

/**
 * Whether `name` matches `pattern`, case-sensitively, the whole name. `*` matches any run of
 * characters, including none.
 *
 * Written as a linear two-pointer glob match rather than a generated RegExp: patterns come from
 * tokens an operator typed, and a pattern like `*a*a*a*a*b` must not be able to make a regular
 * expression engine backtrack for seconds (ReDoS).
 *
 * @example
 * ```ts
 * matchesSecretPattern('OPENAI_*', 'OPENAI_API_KEY'); // true
 * matchesSecretPattern('OPENAI_*', 'ANTHROPIC_API_KEY'); // false
 * ```
 */
export function matchesSecretPattern(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starAt = -1; // position in pattern of the last `*` seen
  let starMatchedTo = 0; // position in name that star currently extends to
  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === name[n]) {
      p += 1;
      n += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      starAt = p;
      starMatchedTo = n;
      p += 1;
    } else if (starAt !== -1) {
      // Let the last star swallow one more character and retry from there.
      p = starAt + 1;
      starMatchedTo += 1;
      n = starMatchedTo;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}
