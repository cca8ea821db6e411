/**
 * @module run
 * `iron-secrets run -- COMMAND [ARGS...]`: runs an agent with its secrets as environment
 * variables, its output redacted, and rotations delivered live (a signal and the local endpoint)
 * or by a restart. The agent never sees the master key, the database path or the API token.
 */
import { constants } from 'node:os';
import type { SecretSource } from '@iron/secrets-runtime';
import { CliError, ExitWith } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { environmentFrom, nonEmpty } from '../lib/locations.js';
import { existingDatabase } from '../lib/open-manager.js';

interface RunOptions {
  readonly env?: string;
  readonly server?: string;
  readonly token?: string;
  readonly agentId?: string;
  readonly signal: string;
  readonly restart?: boolean;
  readonly redact: boolean;
}

/** The variables naming the API and the agent token, for the remote source. */
export const SERVER_VARIABLE = 'IRON_SECRETS_SERVER';
export const TOKEN_VARIABLE = 'IRON_SECRETS_TOKEN';

const AGENT_ID = /^[\x21-\x7e]{1,128}$/;

export const registerRun: CommandRegistrar = (program, io) => {
  program
    .command('run')
    .description('run an agent with its secrets as environment variables; redact its output; rotate live')
    .argument('<command>', 'the agent to run (after --)')
    .argument('[args...]', 'its arguments')
    .option(
      '--env <environment>',
      'development, staging or production (default: $IRON_SECRETS_ENV or development)',
    )
    .option('--server <url>', `read through the HTTP API instead of the database (or $${SERVER_VARIABLE})`)
    .option(
      '--token <token>',
      `an agent token for --server (prefer $${TOKEN_VARIABLE}: arguments show in ps)`,
    )
    .option('--agent-id <id>', 'the identity in the audit log (default: from the command, like lead_bot.py)')
    .option('--signal <signal>', 'sent to the agent after a rotation', 'SIGUSR1')
    .option('--restart', 'restart the agent on a rotation instead (SIGTERM, 10 s grace, SIGKILL)')
    .option('--no-redact', 'do not redact the agent output (it then writes to the terminal directly)')
    .addHelpText(
      'after',
      examples(
        'iron-secrets run --env production -- python3 agent.py',
        'iron-secrets run --env staging --restart -- ./legacy-bot --config bot.toml',
        'IRON_SECRETS_TOKEN=... iron-secrets run --server https://secrets.internal --env production -- node bot.js',
        '',
        'Everything after -- is the agent command. Values shorter than 6 characters are not redacted.',
        "The exit status is the agent's (128 + n if it died of signal n; 127 if it was not found).",
      ),
    )
    .action(async (command: string, args: string[], options: RunOptions, self) => {
      // Loaded here, not at start-up: every other command would pay for it.
      const { agentIdFor, logLine, openEmbeddedSource, openRemoteSource, RemoteServerError, runAgent } =
        await import('@iron/secrets-runtime');
      // Secrets the sources leave out (malformed or reserved names, R10), one WARN line each.
      const onWarning = (message: string) => io.stderr.write(`${logLine('WARN', message)}\n`);
      // Secrets injected past their expiry (WARN) or rotation date (INFO), one line each, before
      // the agent starts: on our stderr, never in the agent's streams.
      const onNotice = (notice: { level: 'WARN' | 'INFO'; message: string }) =>
        io.stderr.write(`${logLine(notice.level, notice.message)}\n`);
      const environment = environmentFrom(io, options.env);
      if (!(options.signal in constants.signals)) {
        throw new CliError('USAGE', '--signal takes a signal name, like SIGUSR1 or SIGHUP');
      }
      const agentId = options.agentId ?? agentIdFor(command, args);
      if (!AGENT_ID.test(agentId)) {
        throw new CliError('USAGE', '--agent-id must be 1 to 128 printable ASCII characters without spaces');
      }
      const server = options.server ?? nonEmpty(io.env[SERVER_VARIABLE]);
      const token = options.token ?? nonEmpty(io.env[TOKEN_VARIABLE]);
      let source: SecretSource;
      if (server !== undefined) {
        if (token === undefined) {
          throw new CliError('USAGE', `--server needs an agent token: set ${TOKEN_VARIABLE} (or --token)`, {
            hint: 'make one with `iron-secrets token create --role agent --env <environment>`',
          });
        }
        try {
          source = openRemoteSource({ server, token, environment, onWarning, onNotice });
        } catch {
          throw new CliError('USAGE', '--server must be an http:// or https:// URL');
        }
      } else {
        const database = existingDatabase(io, globalOptions(self), false);
        source = await openEmbeddedSource({
          database: database.path,
          environment,
          agentId,
          env: io.env,
          onWarning,
          onNotice,
        });
      }
      try {
        const status = await runAgent({
          command,
          args,
          source,
          signal: options.signal as NodeJS.Signals,
          restart: options.restart === true,
          redact: options.redact,
          env: io.env,
          stdin: io.stdin,
          stdout: io.stdout,
          stderr: io.stderr,
        });
        throw new ExitWith(status);
      } catch (error) {
        // A server that is down or misconfigured is not a bug to report: say which and why.
        if (error instanceof RemoteServerError) {
          throw new CliError('SERVER_UNAVAILABLE', error.message, {
            hint: `check --server (or $${SERVER_VARIABLE}) and that \`iron-secrets serve\` runs there`,
          });
        }
        throw error;
      } finally {
        await source.close();
      }
    });
};
