/**
 * @module get
 * `iron-secrets get NAME`: the value alone on stdout, so that `$(iron-secrets get NAME)` works.
 * Where it came from goes to stderr, and only when a person is watching.
 */
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { printJson } from '../lib/format.js';
import { isTerminal, note } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { withSession } from '../lib/open-manager.js';
import { assertSecretName } from '../lib/secret-name.js';

interface GetOptions {
  readonly env?: string;
  readonly masked?: boolean;
  readonly json?: boolean;
}

export const registerGet: CommandRegistrar = (program, io) => {
  program
    .command('get')
    .description('print a secret value (alone, undecorated) on stdout')
    .argument('<name>', 'secret name')
    .option(
      '--env <environment>',
      'development, staging or production (default: $IRON_SECRETS_ENV or development)',
    )
    .option('--masked', 'print the masked value (like sk-proj-ab...789) instead of the value')
    .option('--json', 'print { "name", "environment", "value" } (or "value_masked" with --masked)')
    .addHelpText(
      'after',
      examples(
        'OPENAI_API_KEY="$(iron-secrets get OPENAI_API_KEY --env production)"',
        'iron-secrets get OPENAI_API_KEY --env production --masked',
        'iron-secrets get DB_PASSWORD --json | jq -r .value',
      ),
    )
    .action(async (name: string, options: GetOptions, command) => {
      assertSecretName(name);
      const environment = environmentFrom(io, options.env);
      const masked = options.masked === true;
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const value = await manager.getSecret(name, requester, { environment, masked });
        if (options.json) {
          printJson(io, masked ? { name, environment, value_masked: value } : { name, environment, value });
          return;
        }
        io.stdout.write(isTerminal(io.stdout) ? `${value}\n` : value);
        if (isTerminal(io.stderr)) note(io, `(${name} from ${environment})`);
      });
    });
};
