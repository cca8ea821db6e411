/**
 * @module delete
 * `iron-secrets delete NAME`: irreversible, so it asks on a terminal, and without a terminal it
 * needs `--yes` (a script must say so explicitly).
 */
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { isTerminal, out } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { withSession } from '../lib/open-manager.js';
import { assertSecretName } from '../lib/secret-name.js';
import { confirm } from '../lib/terminal-prompt.js';

interface DeleteOptions {
  readonly env?: string;
  readonly yes?: boolean;
}

export const registerDelete: CommandRegistrar = (program, io) => {
  program
    .command('delete')
    .description('delete a secret (irreversible); asks first on a terminal unless --yes')
    .argument('<name>', 'secret name')
    .option(
      '--env <environment>',
      'development, staging or production (default: $IRON_SECRETS_ENV or development)',
    )
    .option('-y, --yes', 'do not ask (required when there is no terminal to ask on)')
    .addHelpText(
      'after',
      examples(
        'iron-secrets delete OLD_API_KEY --env staging',
        'iron-secrets delete OLD_API_KEY --env staging --yes',
      ),
    )
    .action(async (name: string, options: DeleteOptions, command) => {
      assertSecretName(name);
      const environment = environmentFrom(io, options.env);
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        if (!options.yes) {
          if (!isTerminal(io.stdin) || !isTerminal(io.stderr)) {
            throw new CliError('USAGE', 'delete needs --yes when there is no terminal to confirm on', {
              hint: `iron-secrets delete ${name} --env ${environment} --yes`,
            });
          }
          if (!(await confirm(io, `Delete ${name} from ${environment}? This cannot be undone.`))) {
            throw new CliError('CANCELLED', `kept ${name} in ${environment}; nothing was deleted`);
          }
        }
        await manager.deleteSecret(name, { environment, requester });
        out(io, `Deleted ${name} from ${environment}`);
      });
    });
};
