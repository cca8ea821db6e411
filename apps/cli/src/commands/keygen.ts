/**
 * @module keygen
 * `iron-secrets keygen`: a new master key on stdout, and nothing else, so that
 * `export IRON_CAGE_MASTER_KEY="$(iron-secrets keygen)"` works.
 */
import { generateMasterKey } from '@iron/secrets-core';
import { type CommandRegistrar, examples } from '../lib/command.js';
import { out } from '../lib/io.js';

export const registerKeygen: CommandRegistrar = (program, io) => {
  program
    .command('keygen')
    .description('print a new master key: base64 of 32 random bytes from the OS CSPRNG')
    .addHelpText(
      'after',
      examples(
        'export IRON_CAGE_MASTER_KEY="$(iron-secrets keygen)"',
        '(umask 077; iron-secrets keygen > ~/.iron-master-key) && export IRON_CAGE_MASTER_KEY_FILE=~/.iron-master-key',
      ),
    )
    .action(() => {
      out(io, generateMasterKey());
    });
};
