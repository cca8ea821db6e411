/**
 * @module set
 * `iron-secrets set NAME`: creates or updates a secret. The value comes from stdin, a hidden
 * prompt or `--from-file`, never from an argument.
 */
import { existsSync } from 'node:fs';
import { assertUnreservedName } from '@iron/secrets-core';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { parseDuration } from '../lib/duration.js';
import { isTerminal, out } from '../lib/io.js';
import { databaseLocation, environmentFrom } from '../lib/locations.js';
import { assertMasterKeyPresent, withSession } from '../lib/open-manager.js';
import { readSecretValue } from '../lib/read-value.js';
import { assertSecretName, nameForHint } from '../lib/secret-name.js';
import { painterFor } from '../lib/style.js';

interface SetOptions {
  readonly env?: string;
  readonly fromFile?: string;
  readonly expiresIn?: string;
  readonly rotateEvery?: string;
  readonly ifMatch?: string;
}

export const registerSet: CommandRegistrar = (program, io) => {
  program
    .command('set')
    .description('create or update a secret; the value is read from stdin, a hidden prompt, or --from-file')
    // Extra arguments are accepted here only to be refused with the reason, instead of commander's
    // generic "too many arguments": a value typed as an argument is already in `ps` and history.
    .argument('<name>', 'secret name, like OPENAI_API_KEY')
    .allowExcessArguments()
    .option(
      '--env <environment>',
      'development, staging or production (default: $IRON_SECRETS_ENV or development)',
    )
    .option('--from-file <path>', 'read the value from this file, exactly as it is (for PEM keys, JSON)')
    .option('--expires-in <duration>', 'the value expires after this long, like 90d')
    .option('--rotate-every <duration>', 'the value should be rotated this often, like 30d')
    .option(
      '--if-match <etag>',
      'update only if the secret is still as `get --json` showed it (its etag; * = only if it exists); otherwise exit 1 (PRECONDITION_FAILED), nothing written',
    )
    .addHelpText(
      'after',
      examples(
        'iron-secrets set OPENAI_API_KEY --env production          # asks twice, input hidden',
        'printf %s "$KEY" | iron-secrets set OPENAI_API_KEY --env production',
        'iron-secrets set TLS_KEY --from-file server.key --rotate-every 90d',
        'ETAG="$(iron-secrets get DB_PASSWORD --json | jq -r .etag)"; printf %s "$NEW" | iron-secrets set DB_PASSWORD --if-match "$ETAG"',
        '',
        'From stdin, one trailing newline is removed (echo adds one); --from-file keeps the file exactly.',
      ),
    )
    .action(async (name: string, options: SetOptions, command: Command) => {
      if (command.args.length > 1) {
        throw new CliError(
          'USAGE',
          'set takes no value argument: command-line arguments are visible to every user in `ps` and stay in shell history',
          {
            hint: `pipe the value in (printf %s "$VALUE" | iron-secrets set ${nameForHint(name)}), type it at the hidden prompt, or use --from-file; consider the value you typed exposed and rotate it`,
          },
        );
      }
      const environment = environmentFrom(io, options.env);
      const rotateEverySeconds =
        options.rotateEvery === undefined ? undefined : parseDuration(options.rotateEvery, '--rotate-every');
      const expiresInSeconds =
        options.expiresIn === undefined ? undefined : parseDuration(options.expiresIn, '--expires-in');
      assertSecretName(name);
      // Before the value is asked for: a reserved name (R10) is refused whatever the value.
      assertUnreservedName(name);
      assertMasterKeyPresent(io);
      // The value is read before the database is opened, so that bad input (empty, too large,
      // not UTF-8, a cancelled prompt) does not even create the database file. Except for a
      // person at the prompt of an existing database: they are asked once it has accepted the
      // master key, because a wrong key should not cost typing the value twice.
      const global = globalOptions(command);
      const askAfterOpening =
        options.fromFile === undefined &&
        isTerminal(io.stdin) &&
        existsSync(databaseLocation(io, global.db).path);
      const early = askAfterOpening ? undefined : await readSecretValue(io, name, options.fromFile);
      await withSession(io, global, true, async ({ manager, requester }) => {
        const value = early ?? (await readSecretValue(io, name, undefined));
        // Counted by the library from the write, as the API's expires_in is.
        const settings = { requester, rotateEverySeconds, expiresInSeconds };
        // Without --if-match: create or update, last writer wins (never fails for being
        // concurrent). With it: compare-and-set of an existing secret, never a create.
        let result: 'created' | 'updated' = 'updated';
        if (options.ifMatch === undefined) {
          result = await manager.setSecret(name, value, environment, settings);
        } else {
          await manager.updateSecret(name, value, { ...settings, environment, ifMatch: options.ifMatch });
        }
        const paint = painterFor(io, io.stdout);
        out(io, `${paint('green', result === 'created' ? 'Created' : 'Updated')} ${name} in ${environment}`);
      });
    });
};
