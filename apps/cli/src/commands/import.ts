/**
 * @module import
 * `iron-secrets import FILE`: every assignment of a dotenv file into one environment, all or
 * nothing. Existing secrets are left alone (and listed) unless `--overwrite`.
 */
import { isIronSecretsError, isRouteReservedName, reservedNameReason } from '@iron/secrets-core';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { type DotenvEntry, DotenvSyntaxError, MAX_DOTENV_BYTES, scanDotenv } from '../lib/dotenv.js';
import { type Io, note, out } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { assertMasterKeyPresent, withSession } from '../lib/open-manager.js';
import { readAtMost } from '../lib/read-at-most.js';
import { painterFor } from '../lib/style.js';

interface ImportOptions {
  readonly env?: string;
  readonly overwrite?: boolean;
  readonly skipReserved?: boolean;
  readonly skipInvalid?: boolean;
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
    .option('--skip-invalid', 'import the rest of a file that has malformed lines, listing the lines skipped')
    .addHelpText(
      'after',
      examples(
        'iron-secrets import .env --env development',
        'iron-secrets import prod.env --env production --overwrite && shred -u prod.env',
        '',
        'Nothing is expanded: $OTHER and $(cmd) are stored exactly as written.',
        'Reserved names (names a loader, runtime, shell, TLS stack or git reads, like PATH or',
        'NODE_OPTIONS) are never stored: a file with one is refused unless --skip-reserved.',
        'NAME= lines (empty values) are skipped with a warning: a secret cannot be empty.',
        'Malformed lines are all reported; the file is refused unless --skip-invalid.',
      ),
    )
    .action(async (file: string, options: ImportOptions, command) => {
      const environment = environmentFrom(io, options.env);
      const parsed = withoutInvalid(io, file, parseFile(file), options.skipInvalid === true);
      const entries = withoutEmpty(
        io,
        file,
        withoutReserved(io, file, parsed, options.skipReserved === true),
      );
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
          // The library counts entries; the operator counts lines. The entry's own check (the
          // cause) says what is wrong with it without the library's "entry N: ".
          const entry = isIronSecretsError(error) ? error.details.entry : undefined;
          const line = entry === undefined ? undefined : entries[entry - 1]?.line;
          if (isIronSecretsError(error) && line !== undefined) {
            const reason = isIronSecretsError(error.cause) ? error.cause.message : error.message;
            throw new CliError(error.code, `${file} line ${line}: ${reason}`, {
              hint: 'nothing was imported',
            });
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
 * Why no secret may be stored under `name`: R10's reason, or the HTTP API's route of that name
 * (`audit`, `events`), which would shadow it. The library refuses both; asked here first so that
 * every such line is named at once and `--skip-reserved` skips them too.
 */
function whyReserved(name: string): string | undefined {
  return (
    reservedNameReason(name) ??
    (isRouteReservedName(name)
      ? `the HTTP API serves GET /api/secrets/${name} itself, so a secret under it could not be read over HTTP`
      : undefined)
  );
}

/**
 * The entries whose names are not reserved (R10, or the API's route names). A file with reserved names is refused, naming
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
    const why = whyReserved(entry.name);
    return why === undefined ? [] : [{ entry, why }];
  });
  if (reserved.length === 0) return [...entries];
  if (!skip) {
    for (const { entry, why } of reserved)
      note(io, `${file} line ${entry.line}: ${entry.name} is reserved: ${why}`);
    const lines = reserved.map(({ entry }) => entry.line).join(', ');
    throw new CliError(
      'RESERVED_SECRET_NAME',
      `${file} has ${reserved.length} reserved name${reserved.length === 1 ? '' : 's'} (line${reserved.length === 1 ? '' : 's'} ${lines}), which are never stored (the reason is on each line above)`,
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
  return entries.filter((entry) => whyReserved(entry.name) === undefined);
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
  let scan: ReturnType<typeof scanDotenv>;
  try {
    scan = scanDotenv(text);
  } catch (error) {
    if (error instanceof DotenvSyntaxError) {
      throw new CliError('INVALID_INPUT', `${file} ${error.message}`, { hint: 'nothing was imported' });
    }
    throw error;
  }
  if (scan.entries.length === 0 && scan.errors.length === 0)
    throw new CliError('INVALID_INPUT', `${file} has no NAME=value lines; nothing to import`);
  return scan;
}

/**
 * The well-formed entries of a scan. Malformed lines are all named (with what was expected, never
 * the line itself) and the file refused, unless `skip`: then each is a warning.
 */
function withoutInvalid(
  io: Io,
  file: string,
  scan: ReturnType<typeof scanDotenv>,
  skip: boolean,
): DotenvEntry[] {
  const { entries, errors } = scan;
  if (errors.length === 0) return entries;
  const paint = painterFor(io, io.stderr);
  const lines = errors.map((error) => error.line).join(', ');
  const count = `${errors.length} malformed line${errors.length === 1 ? '' : 's'} (line${errors.length === 1 ? '' : 's'} ${lines})`;
  if (!skip) {
    for (const error of errors) note(io, `${file} ${error.message}`);
    throw new CliError('INVALID_INPUT', `${file} has ${count}`, {
      hint: 'fix them, or pass --skip-invalid to import the rest; nothing was imported',
    });
  }
  for (const error of errors) note(io, paint('yellow', `warning: ${file} ${error.message}, not imported`));
  note(io, paint('yellow', `warning: skipped ${count} of ${file}`));
  return entries;
}

/**
 * The entries with a value. `NAME=` lines are common in real files (a placeholder, a variable set
 * elsewhere); a secret cannot be empty, so they are left out, and named, without failing the import.
 */
function withoutEmpty<E extends DotenvEntry>(io: Io, file: string, entries: readonly E[]): E[] {
  const empty = entries.filter((entry) => entry.value === '');
  if (empty.length === 0) return [...entries];
  const paint = painterFor(io, io.stderr);
  note(
    io,
    paint(
      'yellow',
      `warning: ${file}: skipped ${empty.length} empty value${empty.length === 1 ? '' : 's'} (a secret cannot be empty): ${empty.map((entry) => entry.name).join(', ')}`,
    ),
  );
  return entries.filter((entry) => entry.value !== '');
}
