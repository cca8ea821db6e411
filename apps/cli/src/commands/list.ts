/**
 * @module list
 * `iron-secrets list`: the secrets of one environment, masked, with their rotation status.
 */
import { SecretMetadata, secretJson, secretNameJson } from '@iron/secrets-core';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { formatTime, printJson } from '../lib/format.js';
import { out } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { withSession } from '../lib/open-manager.js';
import { painterFor } from '../lib/style.js';
import { renderTable } from '../lib/table.js';

interface ListOptions {
  readonly env?: string;
  readonly json?: boolean;
  readonly namesOnly?: boolean;
}

export const registerList: CommandRegistrar = (program, io) => {
  program
    .command('list')
    .description('list the secrets of an environment: name, masked value, updated, rotation status')
    .option(
      '--env <environment>',
      'development, staging or production (default: $IRON_SECRETS_ENV or development)',
    )
    .option(
      '--json',
      'print a JSON array of { name, environment, value_masked, created_at, updated_at, rotation_status, ... }',
    )
    .option(
      '--names-only',
      'no value at all, not even masked (audited as a READ that handed out none): for agents and tools',
    )
    .addHelpText(
      'after',
      examples(
        'iron-secrets list --env production',
        'iron-secrets list --env staging --names-only --json | jq -r ".[].name"',
      ),
    )
    .action(async (options: ListOptions, command) => {
      const environment = environmentFrom(io, options.env);
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const secrets = options.namesOnly
          ? await manager.listSecretNames(requester, environment)
          : await manager.listSecrets(requester, environment, { masked: true });
        if (options.json) {
          printJson(
            io,
            secrets.map((s) => (s instanceof SecretMetadata ? secretJson(s) : secretNameJson(s))),
          );
          return;
        }
        const paint = painterFor(io, io.stdout);
        out(
          io,
          paint('bold', `${secrets.length} secret${secrets.length === 1 ? '' : 's'} in ${environment}`),
        );
        if (secrets.length === 0) return;
        const lines = renderTable(secrets, [
          { heading: 'NAME', cell: (s) => s.name },
          ...(options.namesOnly
            ? []
            : [
                {
                  heading: 'VALUE',
                  cell: (s: (typeof secrets)[number]) => (s instanceof SecretMetadata ? s.valueMasked : ''),
                },
              ]),
          { heading: 'ENVIRONMENT', cell: (s) => s.environment },
          { heading: 'UPDATED', cell: (s) => formatTime(s.updatedAt) },
          {
            heading: 'ROTATION',
            cell: (s) => s.rotationStatus,
            paint: (text, s) =>
              s.rotationStatus === 'expired'
                ? paint('red', text)
                : s.rotationStatus === 'due'
                  ? paint('yellow', text)
                  : text,
          },
        ]);
        for (const line of lines) out(io, line);
      });
    });
};
