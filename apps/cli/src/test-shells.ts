/**
 * @module test-shells
 * Sourcing a dotenv file the way people do, `set -a; . ./file`, in bash, dash and zsh (each in its
 * own mode: zsh is not put into `emulate sh`), to show that what `export` writes runs nothing
 * there and gives back every value exactly.
 */
import { spawnSync } from 'node:child_process';

/** The shells a dotenv file from `export` must be inert in (issue 14, finding 13). */
export const SHELLS = ['bash', 'dash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

/** `C` treats every byte alone; `C.UTF-8` makes the shells decode multi-byte characters. */
export const LOCALES = ['C', 'C.UTF-8'] as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The shells of {@link SHELLS} this machine cannot run. */
export function missingShells(): Shell[] {
  return SHELLS.filter((shell) => spawnSync(shell, ['-c', 'exit 0'], { timeout: 10_000 }).status !== 0);
}

/**
 * True in CI (the `CI` variable is set, as `.ci/run` and CI services do): there every shell must
 * be installed, and a missing one fails the tests instead of skipping them.
 */
export function requireEveryShell(): boolean {
  return (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
}

/**
 * The shells to test with: all of them in CI (a missing one then fails with an install hint),
 * only the installed ones on a developer's machine.
 */
export function shellsToTest(): readonly Shell[] {
  if (requireEveryShell()) return SHELLS;
  const missing = new Set(missingShells());
  return SHELLS.filter((shell) => !missing.has(shell));
}

/**
 * The values of `names` after `set -a; . file` in `shell`, run in `cwd` with a minimal
 * environment (HOME is `cwd`, so no user's rc file takes part). Values are printed NUL-separated:
 * a secret value never holds NUL, so every other byte, newlines and carriage returns included,
 * comes back as the shell holds it.
 */
export function sourceInShell(
  shell: Shell,
  file: string,
  names: readonly string[],
  options: { cwd: string; locale: (typeof LOCALES)[number] },
): Map<string, string> {
  for (const name of names) if (!NAME.test(name)) throw new Error(`not a variable name: ${name}`);
  const printed = names.map((name) => `"$${name}"`).join(' ');
  // The file is passed as $1, never pasted into the script.
  const script = `set -a; . "$1" || exit 97; printf '%s\\0' ${printed}`;
  const result = spawnSync(shell, ['-c', script, shell, file], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: options.cwd, LC_ALL: options.locale },
    encoding: 'buffer',
    timeout: 20_000,
  });
  if (result.error) {
    throw new Error(
      `cannot run ${shell} (${result.error.message}); install it: apt-get install -y bash dash zsh`,
    );
  }
  if (result.status !== 0) {
    throw new Error(`${shell} exited ${result.status}: ${result.stderr.toString('utf8').slice(0, 500)}`);
  }
  const values = result.stdout.toString('utf8').split('\0');
  // printf ends every value with a NUL, so the split leaves one empty string after the last.
  if (values.length !== names.length + 1) {
    throw new Error(`${shell} printed ${values.length - 1} values for ${names.length} names`);
  }
  return new Map(names.map((name, i) => [name, values[i]!]));
}
