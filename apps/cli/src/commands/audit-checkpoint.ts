/**
 * @module audit-checkpoint
 * `iron-secrets audit checkpoint`: a signed checkpoint of the audit chain's head, as JSON, to keep
 * where the database's owner cannot rewrite it; `iron-secrets audit public-key`: every key that
 * signed checkpoints, with the entries it signed, for whoever verifies them outside
 * (docs/operations.md, "Checkpoints").
 */
import { type Checkpoint, parseCheckpoint } from '@iron/secrets-core';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { examples, globalOptions } from '../lib/command.js';
import { printJson } from '../lib/format.js';
import { type Io, note, out } from '../lib/io.js';
import { withSession } from '../lib/open-manager.js';
import { readAtMost } from '../lib/read-at-most.js';

/** A checkpoint is a few hundred bytes; a file much larger is not one. */
const MAX_CHECKPOINT_FILE_BYTES = 8192;

/** Adds `checkpoint` and `public-key` under `audit`. */
export function registerAuditCheckpoint(audit: Command, io: Io): void {
  audit
    .command('checkpoint')
    .description('print a signed checkpoint of the audit trail (JSON) to keep outside the database')
    .addHelpText(
      'after',
      examples(
        'iron-secrets audit checkpoint > checkpoints/$(date +%F).json',
        'iron-secrets audit verify --checkpoint checkpoints/2026-01-31.json',
      ),
    )
    .action(async (_options, command: Command) => {
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        printJson(io, await manager.createCheckpoint({ requester }));
      });
    });

  audit
    .command('public-key')
    .description('print every key that signed audit checkpoints, with the entries it signed')
    .option('--json', 'print a JSON array of { key_id, public_key, pem, since, until, handover }')
    .addHelpText(
      'after',
      examples('iron-secrets audit public-key', 'iron-secrets audit public-key --json > audit-keys.json'),
    )
    .action(async (_options, command: Command) => {
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const keys = await manager.auditPublicKeys({ requester });
        if (json) {
          printJson(
            io,
            keys.map((key) => ({
              key_id: key.keyId,
              public_key: key.publicKey,
              pem: key.pem,
              since: key.since,
              until: key.until,
              handover: key.handover,
            })),
          );
          return;
        }
        if (keys.length === 0) {
          note(
            io,
            'No checkpoint has been signed yet: `iron-secrets audit checkpoint` creates the signing key.',
          );
          return;
        }
        for (const key of keys) {
          const range = `entries after ${key.since}${key.until === null ? '' : ` through ${key.until}`}`;
          out(
            io,
            `# key ${key.keyId}: ${range}${key.until === null ? ' (current)' : ' (retired by a master-key rotation)'}`,
          );
          out(io, key.pem.trimEnd());
        }
      });
    });
}

/** The checkpoint in `file`, read with a cap and checked field by field (exit 2 when it is not one). */
export function readCheckpointFile(file: string): Checkpoint {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      readAtMost(file, MAX_CHECKPOINT_FILE_BYTES, 'a checkpoint'),
    );
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      'USAGE',
      code === undefined ? `${file} is not UTF-8 text` : `cannot read ${file} (${code})`,
    );
  }
  try {
    return parseCheckpoint(text);
  } catch (error) {
    throw new CliError('USAGE', `${file}: ${(error as Error).message}`);
  }
}
