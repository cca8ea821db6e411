/**
 * @module export
 * `iron-secrets export`: every value of an environment, as dotenv or JSON, for migrating or
 * backing up. Admins only (the CLI always is), every value audited as a READ, and a warning when
 * the values are about to appear on a screen. An expired value is exported (it is the value
 * there is), with a WARN line on stderr as `get` prints.
 */
import { reservedNameReason } from '@iron/secrets-core';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { assertDotenvWritable, formatDotenvLine } from '../lib/dotenv-format.js';
import { isTerminal, note } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { withSession } from '../lib/open-manager.js';
import { noteRotation } from '../lib/rotation-note.js';
import { painterFor } from '../lib/style.js';

interface ExportOptions {
  readonly env?: string;
  readonly format: string;
  readonly json?: boolean;
}

const FORMATS = ['dotenv', 'json'];

export const registerExport: CommandRegistrar = (program, io) => {
  program
    .command('export')
    .description('print every value of an environment as dotenv or JSON (audited; warns on a terminal)')
    .option(
      '--env <environment>',
      'development, staging or production (default: $IRON_SECRETS_ENV or development)',
    )
    .option('--format <format>', 'dotenv or json', 'dotenv')
    .option('--json', 'the same as --format json, like every read command')
    .addHelpText(
      'after',
      examples(
        '(umask 077; iron-secrets export --env staging > staging.env)',
        'iron-secrets export --env production --format json | jq keys',
        'iron-secrets export --env staging | iron-secrets import /dev/stdin --env development',
      ),
    )
    .action(async (options: ExportOptions, command) => {
      if (!FORMATS.includes(options.format)) throw new CliError('USAGE', '--format must be dotenv or json');
      if (options.json && command.getOptionValueSource('format') === 'cli' && options.format !== 'json') {
        throw new CliError('USAGE', '--json and --format dotenv contradict each other');
      }
      const format = options.json ? 'json' : options.format;
      const environment = environmentFrom(io, options.env);
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const listed = await manager.listSecrets(requester, environment, { reveal: true });
        const paint = painterFor(io, io.stderr);
        // A row written before reserved names were refused (R10) is left out: importing the file
        // elsewhere would be refused, and the name must not travel on in a file either.
        const secrets = listed.filter((secret) => {
          const why = reservedNameReason(secret.name);
          if (why === undefined) return true;
          note(
            io,
            paint(
              'yellow',
              `warning: left out ${secret.name}: a reserved name (${why}); it is never injected: store its value under another name and delete it`,
            ),
          );
          return false;
        });
        for (const secret of secrets) {
          noteRotation(io, secret);
        }
        if (isTerminal(io.stdout)) {
          note(
            io,
            paint(
              'yellow',
              `warning: printing ${secrets.length} secret values from ${environment} in plain text to this terminal`,
            ),
          );
        }
        if (format === 'json') {
          const object = Object.fromEntries(secrets.map((s) => [s.name, s.value!]));
          io.stdout.write(`${JSON.stringify(object, null, 2)}\n`);
        } else {
          // Every value that cannot be written is named at once, before anything is printed.
          assertDotenvWritable(secrets.map((s) => ({ name: s.name, value: s.value! })));
          io.stdout.write(secrets.map((s) => `${formatDotenvLine(s.name, s.value!)}\n`).join(''));
        }
      });
    });
};
