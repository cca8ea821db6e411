#!/usr/bin/env node
/**
 * Writes core's table of reserved secret names (R10, packages/core/src/reserved-names.ts) into the
 * two agent helpers, which run inside the agent and must not load core (a database driver, the
 * crypto):
 *
 *   python/iron_secrets_reserved.py       for iron_secrets.py
 *   src/reserved-names.generated.ts       for the Node helper (agent.ts)
 *
 * Each carries the name pattern and length limit of core's limits.ts too, so a helper can apply
 * the full rule to the names it receives. Run it after changing the table, with core built:
 *
 *   pnpm build && node apps/runtime-injector/scripts/generate-reserved-names.mjs
 *
 * src/reserved-names-generated.test.ts fails while the files and core's table differ.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The generated files, relative to this script. */
export const PYTHON_FILE = new URL('../python/iron_secrets_reserved.py', import.meta.url);
export const TYPESCRIPT_FILE = new URL('../src/reserved-names.generated.ts', import.meta.url);

const SOURCE = 'packages/core/src/reserved-names.ts';
const SCRIPT = 'apps/runtime-injector/scripts/generate-reserved-names.mjs';

/** `^...$` of core's pattern, without the anchors (Python's `$` also matches before a newline). */
function patternBody(pattern) {
  const match = /^\^(.*)\$$/.exec(pattern.source);
  if (match === null || pattern.flags !== '') {
    throw new Error(`core's name pattern ${pattern} is not of the form /^...$/ with no flags`);
  }
  return match[1];
}

/** A string literal valid in both Python and TypeScript: JSON's, which escapes quotes and controls. */
const literal = (text) => JSON.stringify(text);

/** A tuple of string literals for Python (a trailing comma keeps a one-element tuple a tuple). */
const pythonTuple = (items) =>
  items.length === 1 ? `(${literal(items[0])},)` : `(${items.map(literal).join(', ')})`;

/** The Python module. Standard library only, Python 3.8+, like iron_secrets.py. */
export function renderPython(rules, pattern, maxLength) {
  const table = rules
    .map(
      (rule) =>
        `    _Rule(\n        names=${pythonTuple(rule.names)},\n        prefixes=${pythonTuple(rule.prefixes)},\n        why=${literal(rule.why)},\n    ),`,
    )
    .join('\n');
  return `"""Reserved secret names (R10): names a loader, a runtime, a shell, a TLS stack, git or Iron
Secrets reads to decide what code to load, what to trust or where to send traffic. An agent never
sets one of them, whatever the endpoint sends.

Generated from ${SOURCE} by
${SCRIPT}: do not edit.
"""

import re
from collections import namedtuple

__all__ = [
    "MAX_NAME_LENGTH",
    "NAME_PATTERN",
    "RESERVED_NAME_RULES",
    "is_injectable_name",
    "is_reserved_secret_name",
    "reserved_name_reason",
]

# Core's SECRET_NAME_PATTERN; use NAME_PATTERN.fullmatch (re's $ would accept a trailing newline).
NAME_PATTERN = re.compile(${literal(patternBody(pattern))})

# Core's MAX_SECRET_NAME_LENGTH, in characters.
MAX_NAME_LENGTH = ${maxLength}

# Exact names and prefixes (upper case, compared ignoring ASCII case) and why they are reserved.
_Rule = namedtuple("_Rule", ["names", "prefixes", "why"])

RESERVED_NAME_RULES = (
${table}
)

_BY_NAME = {name: rule.why for rule in RESERVED_NAME_RULES for name in rule.names}
_BY_PREFIX = tuple((prefix, rule.why) for rule in RESERVED_NAME_RULES for prefix in rule.prefixes)

# ASCII letters only: str.upper() would fold a dotless i into I.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def reserved_name_reason(name):
    """Why \`name\` is reserved, or None; compared ignoring ASCII case."""
    upper = name.translate(_ASCII_UPPER)
    why = _BY_NAME.get(upper)
    if why is not None:
        return why
    for prefix, why in _BY_PREFIX:
        if upper.startswith(prefix):
            return why + " (every name starting with " + prefix + " is reserved)"
    return None


def is_reserved_secret_name(name):
    """Whether \`name\` is reserved: never set in the agent's environment."""
    return reserved_name_reason(name) is not None


def is_injectable_name(name):
    """Whether \`name\` may be set in the agent's environment: a valid secret name, not reserved."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= MAX_NAME_LENGTH
        and NAME_PATTERN.fullmatch(name) is not None
        and not is_reserved_secret_name(name)
    )
`;
}

/** The TypeScript module (formatted by biome after it is written). */
export function renderTypeScript(rules, pattern, maxLength) {
  const table = rules
    .map(
      (rule) =>
        `  {\n    names: [${rule.names.map(literal).join(', ')}],\n    prefixes: [${rule.prefixes.map(literal).join(', ')}],\n    why: ${literal(rule.why)},\n  },`,
    )
    .join('\n');
  return `/**
 * @module reserved-names.generated
 * Reserved secret names (R10) for the Node agent helper, which runs inside the agent and must not
 * load core. Generated from ${SOURCE} by
 * ${SCRIPT}: do not edit.
 */

/** Core's SECRET_NAME_PATTERN. */
export const SECRET_NAME_PATTERN = /^${patternBody(pattern).replaceAll('/', '\\/')}$/;

/** Core's MAX_SECRET_NAME_LENGTH, in characters. */
export const MAX_SECRET_NAME_LENGTH = ${maxLength};

/** One group of reserved names, as core's ReservedNameRule. */
export interface ReservedNameRule {
  /** Exact names, upper case; compared ignoring ASCII case. */
  readonly names: readonly string[];
  /** Every name starting with one of these (upper case, ignoring ASCII case) is reserved. */
  readonly prefixes: readonly string[];
  /** Who reads the variable and what for. */
  readonly why: string;
}

/** Core's RESERVED_NAME_RULES. */
export const RESERVED_NAME_RULES: readonly ReservedNameRule[] = [
${table}
];

const BY_NAME: ReadonlyMap<string, string> = new Map(
  RESERVED_NAME_RULES.flatMap((rule) => rule.names.map((name) => [name, rule.why] as const)),
);

const BY_PREFIX: readonly (readonly [prefix: string, why: string])[] = RESERVED_NAME_RULES.flatMap((rule) =>
  rule.prefixes.map((prefix) => [prefix, rule.why] as const),
);

/** ASCII letters only: toUpperCase would fold a dotless i into I. */
function asciiUpperCase(name: string): string {
  return name.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) - 32));
}

/**
 * Why \`name\` is reserved, or \`undefined\`; compared ignoring ASCII case.
 *
 * @example
 * \`\`\`ts
 * reservedNameReason('NODE_OPTIONS'); // 'Node.js reads it at start-up ...'
 * \`\`\`
 */
export function reservedNameReason(name: string): string | undefined {
  const upper = asciiUpperCase(name);
  const why = BY_NAME.get(upper);
  if (why !== undefined) return why;
  for (const [prefix, reason] of BY_PREFIX) {
    if (upper.startsWith(prefix)) return \`\${reason} (every name starting with \${prefix} is reserved)\`;
  }
  return undefined;
}

/**
 * Whether \`name\` is reserved: never set in the agent's environment.
 *
 * @example
 * \`\`\`ts
 * isReservedSecretName('LD_PRELOAD'); // true
 * \`\`\`
 */
export function isReservedSecretName(name: string): boolean {
  return reservedNameReason(name) !== undefined;
}

/**
 * Whether \`name\` may be set in the agent's environment: a valid secret name, not reserved.
 *
 * @example
 * \`\`\`ts
 * isInjectableSecretName('OPENAI_API_KEY'); // true
 * isInjectableSecretName('BASH_FUNC_x%%'); // false
 * \`\`\`
 */
export function isInjectableSecretName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_SECRET_NAME_LENGTH &&
    SECRET_NAME_PATTERN.test(name) &&
    !isReservedSecretName(name)
  );
}
`;
}

async function main() {
  const core = await import('@iron/secrets-core');
  const args = [core.RESERVED_NAME_RULES, core.SECRET_NAME_PATTERN, core.MAX_SECRET_NAME_LENGTH];
  writeFileSync(PYTHON_FILE, renderPython(...args));
  writeFileSync(TYPESCRIPT_FILE, renderTypeScript(...args));
  // The repository's formatter owns the layout of TypeScript; the test compares content, not bytes.
  execFileSync('npx', ['biome', 'format', '--write', fileURLToPath(TYPESCRIPT_FILE)], { stdio: 'inherit' });
  console.log(`wrote ${fileURLToPath(PYTHON_FILE)}\nwrote ${fileURLToPath(TYPESCRIPT_FILE)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
