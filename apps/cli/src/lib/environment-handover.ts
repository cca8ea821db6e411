/**
 * @module environment-handover
 * The other half of `bin/iron-secrets`: the variables that script took out of the environment
 * (so that they are not in this process's initial environment, which every process of the same
 * user can read in /proc/<pid>/environ) arrive on a pipe, one `NAME=value` line each, and are put
 * back into `process.env` here, before anything reads them. `process.env` lives in this process's
 * memory; /proc shows only the environment it was started with.
 */
import { closeSync, readFileSync } from 'node:fs';

/** The variable naming the pipe's file descriptor. */
export const HANDOVER_FD_VARIABLE = 'IRON_CAGE_HANDOVER_FD';

/** The only names accepted from the pipe: those the script hands over. */
export const HANDED_OVER: readonly string[] = Object.freeze([
  'IRON_CAGE_MASTER_KEY',
  'IRON_CAGE_NEW_MASTER_KEY',
  'IRON_SECRETS_TOKEN',
]);

/** File descriptors a shell's redirection can name, and the most the pipe may hold. */
const MAX_FD = 9;
const MAX_HANDOVER_BYTES = 64 * 1024;

/**
 * Reads the handed-over variables into `env` and closes the pipe; does nothing without
 * {@link HANDOVER_FD_VARIABLE}. A malformed descriptor is ignored (the variables are then simply
 * missing, and the command says which one it needs).
 *
 * @example
 * ```ts
 * takeHandover(process.env);
 * ```
 */
export function takeHandover(env: NodeJS.ProcessEnv): void {
  const fdText = env[HANDOVER_FD_VARIABLE];
  if (fdText === undefined) return;
  delete env[HANDOVER_FD_VARIABLE];
  if (!/^[0-9]$/.test(fdText) || Number(fdText) > MAX_FD || Number(fdText) < 3) return;
  const fd = Number(fdText);
  let text: string;
  try {
    text = readFileSync(fd, 'utf8');
    // Far more than three keys and a token: not what the script writes. Take none of it.
    if (text.length > MAX_HANDOVER_BYTES) return;
  } catch {
    return;
  } finally {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
  // The script refuses a value with a line break, so each line is one variable; a name seen twice
  // (which the script never writes) keeps its first value rather than letting a later line win.
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    const name = line.slice(0, equals);
    if (equals <= 0 || !HANDED_OVER.includes(name) || seen.has(name)) continue;
    seen.add(name);
    env[name] = line.slice(equals + 1);
  }
}
