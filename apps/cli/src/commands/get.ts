/**
 * @module get
 * `iron-secrets get NAME`: the value alone on stdout, so that `$(iron-secrets get NAME)` works.
 * Where it came from goes to stderr, and only when a person is watching. An expired value is
 * still printed (an outage is worse), after a WARN line on stderr, whoever is watching; a due
 * rotation is a note on a terminal only.
 */
import { secretJson } from '@iron/secrets-core';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { printJson } from '../lib/format.js';
import { isTerminal, note } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { withSession } from '../lib/open-manager.js';
import { noteRotation } from '../lib/rotation-note.js';
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
    .option(
      '--json',
      'print { name, environment, value, value_masked, created_at, updated_at, expires_at, rotate_every_seconds, rotation_due_at, rotation_status } (no value with --masked)',
    )
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
        const secret = await manager.readSecret(name, requester, { environment, masked });
        // Before the value: on a terminal the warning is not lost above it.
        noteRotation(io, secret);
        if (options.json) {
          // The etag is what `set --if-match` takes back (compare-and-set).
          printJson(io, { ...secretJson(secret), etag: secret.etag });
          return;
        }
        const value = secret.value ?? secret.valueMasked;
        io.stdout.write(isTerminal(io.stdout) ? `${value}\n` : value);
        if (isTerminal(io.stderr)) note(io, `(${name} from ${environment})`);
      });
    });
};
