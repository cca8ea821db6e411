/**
 * @module agent-id
 * The identity an agent is audited under when `--agent-id` is not given: derived from the
 * command, so that `iron-secrets run -- python3 lead_bot.py` reads as `lead_bot.py`, not `python3`.
 */
import { basename } from 'node:path';

/** Interpreters whose script, not themselves, names the agent. */
const INTERPRETERS = new Set(['python', 'node', 'bun', 'deno', 'ruby', 'perl', 'bash', 'sh', 'zsh']);

/** Audit identities are printable ASCII without spaces, at most 128 characters. */
const MAX_LENGTH = 64;

/**
 * An agent id for `command args...`: the script's file name for an interpreter, else the
 * command's; anything outside `[A-Za-z0-9._-]` becomes `_`.
 *
 * @example
 * ```ts
 * agentIdFor('python3', ['-u', 'agents/lead_bot.py', '--fast']); // 'lead_bot.py'
 * ```
 */
export function agentIdFor(command: string, args: readonly string[]): string {
  const program = basename(command);
  // `python3.12` is `python`: version suffixes do not make another interpreter.
  const interpreter = INTERPRETERS.has(program.replace(/[\d.]+$/, ''));
  // `sh -c '...'` and `node -e '...'` run code, not a script: the interpreter names the agent.
  const inline = args.some((arg) => arg === '-c' || arg === '-e');
  const script = interpreter && !inline ? args.find((arg) => !arg.startsWith('-')) : undefined;
  const name = basename(script ?? program)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, MAX_LENGTH);
  return name === '' ? 'agent' : name;
}
