/**
 * @module master-key
 * `iron-secrets master-key rotate`: every secret re-encrypted under a new master key in one
 * transaction; the old key is refused from then on (MASTER_KEY_MISMATCH), and the audit trail
 * still verifies.
 */
import { generateMasterKey } from '@iron/secrets-core';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { note, out } from '../lib/io.js';
import { withSession } from '../lib/open-manager.js';
import { progressBar } from '../lib/progress-bar.js';

/** Where the new key comes from, if the operator made one. */
export const NEW_MASTER_KEY_VARIABLE = 'IRON_CAGE_NEW_MASTER_KEY';

export const registerMasterKey: CommandRegistrar = (program, io) => {
  const masterKey = program
    .command('master-key')
    .description('manage the master key')
    .addHelpText(
      'after',
      examples(
        `export ${NEW_MASTER_KEY_VARIABLE}="$(iron-secrets keygen)" && iron-secrets master-key rotate`,
      ),
    );

  masterKey
    .command('rotate')
    .description(`re-encrypt every secret under ${NEW_MASTER_KEY_VARIABLE} (or a new key, printed once)`)
    .addHelpText(
      'after',
      examples(
        `export ${NEW_MASTER_KEY_VARIABLE}="$(iron-secrets keygen)" && iron-secrets master-key rotate \\`,
        `  && export IRON_CAGE_MASTER_KEY="$${NEW_MASTER_KEY_VARIABLE}"`,
        '(umask 077; iron-secrets master-key rotate > new-master-key)   # a generated key, printed once',
        '',
        'Processes still running with the old key are refused from the moment the rotation commits;',
        'restart them with the new key.',
      ),
    )
    .action(async (_options, command) => {
      const given = io.env[NEW_MASTER_KEY_VARIABLE];
      const generated = given === undefined || given === '';
      const newKey = generated ? generateMasterKey() : given;
      await withSession(io, globalOptions(command), false, async ({ manager, requester, database }) => {
        // A generated key is printed before the rotation commits, not after: if this process died
        // between the commit and the print, every secret would be sealed under a key nobody has.
        if (generated) out(io, newKey);
        const bar = progressBar(io, 'Re-encrypting');
        const { reencrypted } = await manager
          .rotateMasterKey(newKey, { requester, onProgress: (done, total) => bar.update(done, total) })
          .catch((error: unknown) => {
            if (generated) note(io, 'The rotation did not happen: the key printed above was not used.');
            throw error;
          })
          .finally(() => bar.done());
        note(
          io,
          `Re-encrypted ${reencrypted} secret${reencrypted === 1 ? '' : 's'} in ${database.printable} under the new master key.`,
        );
        note(
          io,
          generated
            ? 'The new key is printed above, once: store it now and set IRON_CAGE_MASTER_KEY (or its file) to it. The old key no longer opens this database.'
            : `Set IRON_CAGE_MASTER_KEY (or its file) to the value of ${NEW_MASTER_KEY_VARIABLE}: the old key no longer opens this database.`,
        );
      });
    });
};
