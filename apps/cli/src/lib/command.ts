/**
 * @module command
 * How a command plugs into the program: a function that adds it (and its subcommands) to the
 * root. `serve` and `run` arrive as two more of these.
 */
import type { Command } from 'commander';
import type { Io } from './io.js';
import type { GlobalOptions } from './open-manager.js';

/** Adds one command to the program. */
export type CommandRegistrar = (program: Command, io: Io) => void;

/** The options shared by every command (`--db`), as given before or after the command name. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** An "Examples:" block for a command's `--help`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
