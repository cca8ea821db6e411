/**
 * @module program
 * The `iron-secrets` program: the commands, global options, help with examples and exit codes,
 * and the one place where every failure becomes a message and an exit status.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerCopy } from './commands/copy.js';
import { registerDelete } from './commands/delete.js';
import { registerExport } from './commands/export.js';
import { registerGet } from './commands/get.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerKeygen } from './commands/keygen.js';
import { registerList } from './commands/list.js';
import { registerMasterKey } from './commands/master-key.js';
import { registerMigrate } from './commands/migrate.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerSet } from './commands/set.js';
import { registerToken } from './commands/token.js';
import { CliError, ExitWith } from './lib/cli-error.js';
import { type CommandRegistrar, examples } from './lib/command.js';
import { EXIT_CODES_HELP, ExitCode } from './lib/exit-codes.js';
import type { Io } from './lib/io.js';
import { databaseLocation } from './lib/locations.js';
import type { GlobalOptions } from './lib/open-manager.js';
import { reportError } from './lib/report-error.js';

export type { Io } from './lib/io.js';

/**
 * Every command, in the order `--help` lists them.
 */
export const COMMANDS: readonly CommandRegistrar[] = [
  registerKeygen,
  registerInit,
  registerSet,
  registerGet,
  registerList,
  registerDelete,
  registerImport,
  registerExport,
  registerAudit,
  registerToken,
  registerMasterKey,
  registerRun,
  registerServe,
  registerMigrate,
  registerCopy,
];

const ENVIRONMENT_HELP = `Environment variables:
  IRON_CAGE_MASTER_KEY       the master key: base64 of 32 bytes (make one with \`iron-secrets keygen\`)
  IRON_CAGE_MASTER_KEY_FILE  or a file holding it (containers, systemd credentials)
  IRON_SECRETS_DB            the database: a file, or postgres://user:password@host:port/db
                             (default: $XDG_DATA_HOME/iron-secrets/secrets.db)
  IRON_SECRETS_ENV           the environment when --env is not given (default: development)
  NO_COLOR                   no colour even on a terminal
  IRON_SECRETS_DEBUG=1       stack traces with errors`;

/** The program, with its output going to `io`. */
export function buildProgram(io: Io): Command {
  const program = new Command('iron-secrets')
    .description('Secrets for AI agents: encrypted at rest, injected at run time, audited, rotated live.')
    .version(version(), '-V, --version')
    .option(
      '--db <path>',
      'the database file or postgres:// URL (default: $IRON_SECRETS_DB, else the per-user data directory)',
    )
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own error lines are replaced by ours (see usageError).
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `${examples(
        'export IRON_CAGE_MASTER_KEY="$(iron-secrets keygen)"',
        'printf %s "$OPENAI_KEY" | iron-secrets set OPENAI_API_KEY --env production',
        'iron-secrets list --env production',
        'KEY="$(iron-secrets get OPENAI_API_KEY --env production)"',
        'iron-secrets audit --secret OPENAI_API_KEY --since 24h && iron-secrets audit verify',
      )}\n${ENVIRONMENT_HELP}\n\n${EXIT_CODES_HELP}\n`,
    );
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the program on `argv` (without node and script) and returns the exit status. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof ExitWith) return error.exitCode;
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.Ok;
      return reportError(io, usageError(error));
    }
    return reportError(io, error, () => databaseLocation(io, program.opts<GlobalOptions>().db));
  }
}

/**
 * Commander's parse errors as usage errors. Its messages quote what was typed; an option typed
 * as `--password=...` or a value typed as a command would be echoed, so those are cut to what
 * is safe to show.
 */
function usageError(error: CommanderError): CliError {
  const hint = 'see `iron-secrets --help`, or `iron-secrets <command> --help`';
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownOption': {
      const flag = quoted.split('=')[0]!;
      return new CliError(
        'USAGE',
        /^--?[a-z][a-z-]{0,29}$/.test(flag) ? `unknown option ${flag}` : 'unknown option',
        {
          hint,
        },
      );
    }
    case 'commander.unknownCommand':
      // Never echoed: the first argument could be anything, a value pasted in the wrong place too.
      return new CliError('USAGE', 'unknown command', { hint });
    case 'commander.help':
      // No command was given: commander printed the help on stderr.
      return new CliError('USAGE', 'a command is required', { hint });
    default:
      // Missing arguments or option values, too many arguments: commander's message names the
      // command and the counts, never what was typed.
      return new CliError('USAGE', error.message.replace(/^error: /, ''), {
        hint,
        exitCode: ExitCode.Usage,
      });
  }
}

function version(): string {
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
