/**
 * @module copy
 * `iron-secrets copy --from <sqlite file> --to <postgres:// URL>`: moves an embedded installation
 * to production. Rows move verbatim (ciphertexts, tokens, settings, audit entries with their ids
 * and hashes), so the copy opens with the same master key and its audit chain still verifies;
 * with the master key set, the copy is verified before the command says it is done.
 */
import { copyDatabase, type Requester, SecretsManager } from '@iron/secrets-core';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples } from '../lib/command.js';
import { printJson } from '../lib/format.js';
import { note, out } from '../lib/io.js';
import { describeLocation, operatorName } from '../lib/locations.js';
import { painterFor } from '../lib/style.js';

interface CopyOptions {
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
}

export const registerCopy: CommandRegistrar = (program, io) => {
  program
    .command('copy')
    .description('copy every secret, token and audit entry into an empty database (SQLite to PostgreSQL)')
    .requiredOption('--from <database>', 'the database to copy: a file path or postgres:// URL')
    .requiredOption(
      '--to <database>',
      'an empty database to copy into (migrated first): a postgres:// URL or a file',
    )
    .option(
      '--json',
      'print { from, to, copied: { secrets, auditEntries, tokens, ... }, warnings, auditChain }',
    )
    .addHelpText(
      'after',
      examples(
        'iron-secrets copy --from ~/.local/share/iron-secrets/secrets.db --to postgres://iron@db.internal/iron',
        '',
        'Stop writers first: the copy is a snapshot of the source at the moment it starts.',
        'With IRON_CAGE_MASTER_KEY set, the copy is opened with it and its audit chain verified.',
      ),
    )
    .action(async (options: CopyOptions) => {
      const from = describeLocation(options.from ?? '');
      const to = describeLocation(options.to ?? '');
      const { warnings, ...copied } = await copyDatabase(from.path, to.path);
      // Rows under reserved names (R10) are carried, never dropped: the operator cleans them up.
      const paint = painterFor(io, io.stderr);
      for (const warning of warnings) note(io, paint('yellow', `warning: ${warning}`));
      const chain = await verifyCopy(io.env, to.path);
      if (options.json) {
        printJson(io, { from: from.printable, to: to.printable, copied, warnings, auditChain: chain });
      } else {
        out(
          io,
          `Copied ${copied.secrets} secret${copied.secrets === 1 ? '' : 's'}, ${copied.tokens} token${copied.tokens === 1 ? '' : 's'} and ${copied.auditEntries} audit entr${copied.auditEntries === 1 ? 'y' : 'ies'} from ${from.printable} to ${to.printable}`,
        );
        if (chain === 'not verified') {
          note(io, 'The audit chain was not verified: set IRON_CAGE_MASTER_KEY to check the copy.');
        } else if (chain.ok) {
          out(io, `The copy's audit chain verifies (${chain.entries} entries).`);
        }
      }
      if (chain !== 'not verified' && !chain.ok) {
        throw new CliError('AUDIT_CHAIN_BROKEN', `the copy's audit chain does not verify: ${chain.reason}`);
      }
    });
};

type ChainCheck = 'not verified' | { ok: true; entries: number } | { ok: false; reason: string };

/** Opens the copy with the master key, if one is set, and verifies its audit chain. */
async function verifyCopy(env: NodeJS.ProcessEnv, database: string): Promise<ChainCheck> {
  if (!env.IRON_CAGE_MASTER_KEY && !env.IRON_CAGE_MASTER_KEY_FILE) return 'not verified';
  const manager = await SecretsManager.open({ database, env });
  try {
    const admin: Requester = { role: 'admin', id: operatorName() };
    const result = await manager.verifyAuditLog({ requester: admin });
    return result.ok
      ? { ok: true, entries: result.entries }
      : { ok: false, reason: result.reason ?? 'unknown' };
  } finally {
    await manager.close();
  }
}
