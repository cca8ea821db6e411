/**
 * @module import
 * `iron-secrets import FILE`: every assignment of a dotenv file into one environment, all or
 * nothing. Existing secrets are left alone (and listed) unless `--overwrite`.
 */
import { isIronSecretsError, reservedNameReason } from '@iron/secrets-core';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { DotenvSyntaxError, MAX_DOTENV_BYTES, parseDotenv } from '../lib/dotenv.js';
import { type Io, note, out } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { assertMasterKeyPresent, withSession } from '../lib/open-manager.js';
import { readAtMost } from '../lib/read-at-most.js';
import { painterFor } from '../lib/style.js';

interface ImportOptions {
  readonly env?: string;
  readonly overwrite?: boolean;
  readonly skipReserved?: boolean;
}

export const registerImport: CommandRegistrar = (program, io) => {
  program
    .command('import')
    .description('store every NAME=value of a dotenv file in one environment, all or nothing')
    .argument('<file>', 'a dotenv file: comments, `export ` prefixes, quoted and multi-line values')
    .option(
      '--env <environment>',
      'development, staging or production (default: $IRON_SECRETS_ENV or development)',
    )
    .option('--overwrite', 'replace secrets that already exist (otherwise they are skipped)')
    .option(
      '--skip-reserved',
      'import the rest of a file that has reserved names (PATH, NODE_OPTIONS, ...), warning about each',
    )
    .addHelpText(
      'after',
      examples(
        'iron-secrets import .env --env development',
        'iron-secrets import prod.env --env production --overwrite && shred -u prod.env',
        '',
        'Nothing is expanded: $OTHER and $(cmd) are stored exactly as written.',
        'Reserved names (names a loader, runtime, shell, TLS stack or git reads, like PATH or',
        'NODE_OPTIONS) are never stored: a file with one is refused unless --skip-reserved.',
      ),
    )
    .action(async (file: string, options: ImportOptions, command) => {
      const environment = environmentFrom(io, options.env);
      const entries = withoutReserved(io, file, parseFile(file), options.skipReserved === true);
      const empty = entries.find((entry) => entry.value === '');
      if (empty) {
        throw new CliError(
          'INVALID_INPUT',
          `${file} line ${empty.line}: ${empty.name} has an empty value; secrets cannot be empty`,
          {
            hint: 'give it a value or remove the line; nothing was imported',
          },
        );
      }
      if (entries.length === 0) {
        out(io, `Imported 0 from ${file} into ${environment}: 0 created, 0 updated, 0 skipped`);
        return;
      }
      assertMasterKeyPresent(io);
      await withSession(io, globalOptions(command), true, async ({ manager, requester }) => {
        let result: Awaited<ReturnType<typeof manager.importSecrets>>;
        try {
          result = await manager.importSecrets(
            entries.map(({ name, value }) => ({ name, value })),
            environment,
            { overwrite: options.overwrite === true, requester },
          );
        } catch (error) {
          // The library counts entries; the operator counts lines.
          const entry = isIronSecretsError(error) ? /^entry (\d+): /.exec(error.message) : null;
          const line = entry ? entries[Number(entry[1]) - 1]?.line : undefined;
          if (isIronSecretsError(error) && line !== undefined) {
            throw new CliError(
              error.code,
              `${file} line ${line}: ${error.message.replace(/^entry \d+: /, '')}`,
              {
                hint: 'nothing was imported',
              },
            );
          }
          throw error;
        }
        out(
          io,
          `Imported ${entries.length} from ${file} into ${environment}: ${result.created.length} created, ${result.updated.length} updated, ${result.skipped.length} skipped`,
        );
        if (result.skipped.length > 0) {
          out(
            io,
            `Skipped (already in ${environment}; use --overwrite to replace): ${result.skipped.join(', ')}`,
          );
        }
      });
    });
};

/**
 * The entries whose names are not reserved (R10). A file with reserved names is refused, naming
 * every such line and why, unless `skip`: then each is left out with a warning. Names are not
 * secret; values are never shown.
 */
function withoutReserved<E extends { readonly name: string; readonly line: number }>(
  io: Io,
  file: string,
  entries: readonly E[],
  skip: boolean,
): E[] {
  const reserved = entries.flatMap((entry) => {
    const why = reservedNameReason(entry.name);
    return why === undefined ? [] : [{ entry, why }];
  });
  if (reserved.length === 0) return [...entries];
  if (!skip) {
    for (const { entry, why } of reserved)
      note(io, `${file} line ${entry.line}: ${entry.name} is reserved: ${why}`);
    const lines = reserved.map(({ entry }) => entry.line).join(', ');
    throw new CliError(
      'RESERVED_SECRET_NAME',
      `${file} has ${reserved.length} reserved name${reserved.length === 1 ? '' : 's'} (line${reserved.length === 1 ? '' : 's'} ${lines}), which are never stored: an agent given one would run or trust what its value says`,
      { hint: 'rename them, or pass --skip-reserved to import the rest; nothing was imported' },
    );
  }
  const paint = painterFor(io, io.stderr);
  for (const { entry, why } of reserved) {
    note(
      io,
      paint('yellow', `warning: ${file} line ${entry.line}: ${entry.name} is reserved, not imported: ${why}`),
    );
  }
  return entries.filter((entry) => reservedNameReason(entry.name) === undefined);
}

function parseFile(file: string) {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      readAtMost(file, MAX_DOTENV_BYTES, 'a dotenv file'),
    );
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      'INVALID_INPUT',
      code === undefined ? `${file} is not UTF-8 text` : `cannot read ${file} (${code})`,
    );
  }
  try {
    const entries = parseDotenv(text);
    if (entries.length === 0)
      throw new CliError('INVALID_INPUT', `${file} has no NAME=value lines; nothing to import`);
    return entries;
  } catch (error) {
    if (error instanceof DotenvSyntaxError) {
      throw new CliError('INVALID_INPUT', `${file} ${error.message}`, { hint: 'nothing was imported' });
    }
    throw error;
  }
}
