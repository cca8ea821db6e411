/**
 * @module injectable-names
 * The last check before a secret becomes an environment variable of an agent: its name must match
 * core's name pattern and must not be reserved (R10). Both sources apply it to everything they
 * hand the injector, because a name can arrive that was never checked on the way in: a row
 * written before reserved names were refused, a database edited by hand, or a hostile or
 * compromised server answering `run --server`. `PATH`, `NODE_OPTIONS` or `BASH_FUNC_x%%` in an
 * agent's environment would run the writer's code in the agent.
 */
import { MAX_SECRET_NAME_LENGTH, reservedNameReason, SECRET_NAME_PATTERN } from '@iron/secrets-core';
import { environmentValueProblem } from './environment-value.js';

/** Receives one line per name left out, naming it and saying why (never a value). */
export type WarningListener = (message: string) => void;

/**
 * The most names one source reports: a hostile server could send endless distinct names, and
 * neither the log nor the set of names already reported may grow without end.
 */
export const MAX_REPORTED_NAMES = 64;

/** How much of a malformed name a warning shows. */
const MAX_SHOWN_CHARACTERS = 64;

/**
 * A name as a warning may show it: printable ASCII as it is, anything else escaped (a name sent
 * by a hostile server may hold terminal escape sequences or line breaks), and cut short.
 */
export function printableName(name: string): string {
  const shown = [...name.slice(0, MAX_SHOWN_CHARACTERS)]
    .map((char) => (/^[\x21-\x7e]$/.test(char) ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`))
    .join('');
  return name.length > MAX_SHOWN_CHARACTERS ? `${shown}...` : shown;
}

/** Why `name` must not be injected, or `undefined` when it may be. */
export function notInjectableReason(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_SECRET_NAME_LENGTH || !SECRET_NAME_PATTERN.test(name)) {
    return `it is not a valid secret name (1 to ${MAX_SECRET_NAME_LENGTH} letters, digits and underscores, not starting with a digit)`;
  }
  const why = reservedNameReason(name);
  return why === undefined
    ? undefined
    : `it has a reserved name: ${why}; store its value under another name and delete this one`;
}

/**
 * A filter for one source: keeps the secrets whose names may be injected and reports each name
 * left out once for the life of the source (not at every fetch), at most {@link MAX_REPORTED_NAMES}.
 *
 * @example
 * ```ts
 * const injectable = injectableFilter((message) => console.error(message));
 * injectable([['PATH', '/tmp'], ['API_KEY', 'sk-...']]); // Map { 'API_KEY' => 'sk-...' }
 * ```
 */
export function injectableFilter(
  onWarning: WarningListener | undefined,
): (secrets: Iterable<readonly [name: string, value: string]>) => Map<string, string> {
  const reported = new Set<string>();
  let silenced = false;
  const report = (name: string, why: string) => {
    if (onWarning === undefined || silenced || reported.has(name)) return;
    if (reported.size === MAX_REPORTED_NAMES) {
      silenced = true;
      onWarning(`more secrets are not injected; only the first ${MAX_REPORTED_NAMES} names are reported`);
      return;
    }
    reported.add(name);
    onWarning(`secret ${printableName(name)} is not injected: ${why}`);
  };
  return (secrets) => {
    const kept = new Map<string, string>();
    for (const [name, value] of secrets) {
      const why = notInjectableReason(name) ?? environmentValueProblem(value);
      if (why === undefined) kept.set(name, value);
      else report(name, why);
    }
    return kept;
  };
}
