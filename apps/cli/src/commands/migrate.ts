/**
 * @module migrate
 * `iron-secrets migrate`: applies pending schema migrations, as an explicit step. On PostgreSQL
 * every other command and `serve` refuse a schema that is behind (SCHEMA_OUTDATED) rather than
 * change it under instances still running the old version; SQLite files migrate on open too.
 */
import { migrateDatabase } from '@iron/secrets-core';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { printJson } from '../lib/format.js';
import { out } from '../lib/io.js';
import { existingDatabase } from '../lib/open-manager.js';

export const registerMigrate: CommandRegistrar = (program, io) => {
  program
    .command('migrate')
    .description(
      'apply pending schema migrations (needs no master key); safe to run twice or from two machines',
    )
    .option('--json', 'print { database, applied: [{ version, name }], version }')
    .addHelpText(
      'after',
      examples(
        'IRON_SECRETS_DB=postgres://iron@db.internal:5432/iron iron-secrets migrate',
        'iron-secrets migrate --db /var/lib/iron-secrets/secrets.db --json',
        '',
        'Upgrading: stop or drain the old instances, run migrate once, start the new ones.',
      ),
    )
    .action(async (options: { json?: boolean }, command) => {
      // A mistyped file path must not become a new empty database.
      const database = existingDatabase(io, globalOptions(command), false);
      const report = await migrateDatabase(database.path);
      if (options.json) {
        printJson(io, { database: database.printable, applied: report.applied, version: report.version });
        return;
      }
      if (report.applied.length === 0) {
        out(io, `${database.printable} is up to date (schema version ${report.version})`);
        return;
      }
      for (const migration of report.applied) out(io, `applied ${migration.name}`);
      out(io, `${database.printable} is at schema version ${report.version}`);
    });
};
