/**
 * @module init
 * `iron-secrets init`: creates the database and binds it to the master key, or says it exists.
 */
import { existsSync } from 'node:fs';
import { isIronSecretsError } from '@iron/secrets-core';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { out } from '../lib/io.js';
import { databaseLocation } from '../lib/locations.js';
import { withSession } from '../lib/open-manager.js';

export const registerInit: CommandRegistrar = (program, io) => {
  program
    .command('init')
    .description('create the database (bound to the master key), or say that it exists')
    .addHelpText(
      'after',
      examples(
        'export IRON_CAGE_MASTER_KEY="$(iron-secrets keygen)" && iron-secrets init',
        'iron-secrets init --db /var/lib/iron-secrets/secrets.db',
        'IRON_SECRETS_DB=postgres://iron@db.internal/iron iron-secrets init   # migrates, then binds the key',
      ),
    )
    .action(async (_options, command) => {
      const global = globalOptions(command);
      const { path, printable, isUrl } = databaseLocation(io, global.db);
      const existed = isUrl || existsSync(path);
      let boundNow: boolean;
      try {
        boundNow = await withSession(io, global, true, async ({ manager }) => manager.boundOnOpen());
      } catch (error) {
        if (isIronSecretsError(error, 'MASTER_KEY_NOT_FOUND')) {
          throw new CliError(
            'MASTER_KEY_NOT_FOUND',
            'no master key is set, so there is nothing to bind the database to',
            {
              hint: 'run: export IRON_CAGE_MASTER_KEY="$(iron-secrets keygen)" then `iron-secrets init` again; keep a copy of the key safe: without it nothing can be decrypted',
            },
          );
        }
        throw error;
      }
      // "Bound" only when this init did it: a repeat (or a database another process bound first)
      // was checked against the key, which is what a reader needs to know apart.
      out(
        io,
        isUrl
          ? `Database ${printable} is ready (schema up to date, ${boundNow ? 'bound to this master key' : 'master key checked'})`
          : !existed
            ? `Created database at ${path}`
            : boundNow
              ? `Database at ${path} is ready (bound to this master key)`
              : `Database already exists at ${path} (master key checked)`,
      );
    });
};
