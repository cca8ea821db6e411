/**
 * @module audit
 * `iron-secrets audit`: the newest entries of the audit trail (oldest first, like a log), those
 * before `--before ID` or after `--after ID` (the library's and the API's one rule), filtered by
 * subject, operation, requester, result, what a READ handed out, and time; with `--follow`, then every new one as it is committed (see audit-follow);
 * and `iron-secrets audit verify`: the hash-chain check, exit 0 when intact, 6 naming the first
 * bad entry otherwise.
 */
import { auditEntryJson } from '@iron/secrets-core';
import type { Command } from 'commander';
import { type AuditFilterFlags, auditFilterOptions, timeBound } from '../lib/audit-filter-options.js';
import { followAudit } from '../lib/audit-follow.js';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { formatTime, printJson } from '../lib/format.js';
import { out } from '../lib/io.js';
import { environmentFrom } from '../lib/locations.js';
import { withSession } from '../lib/open-manager.js';
import { painterFor } from '../lib/style.js';
import { renderTable } from '../lib/table.js';
import { readCheckpointFile, registerAuditCheckpoint } from './audit-checkpoint.js';

interface AuditOptions extends AuditFilterFlags {
  readonly env?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: string;
  readonly before?: string;
  readonly after?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
}

/** Entries shown when no --limit is given: a screenful. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;

export const registerAudit: CommandRegistrar = (program, io) => {
  const audit = program
    .command('audit')
    .description('show the audit trail (newest entries, oldest first); `audit verify` checks its hash chain')
    .option(
      '--secret <name>',
      "only entries about this secret, or master-key, or token:<id> (a token's entries)",
    )
    .option('--env <environment>', 'only entries in this environment (default: all)')
    .option('--operation <op>', 'only CREATE, READ, UPDATE or DELETE entries')
    .option('--role <role>', 'only entries of admin, viewer or agent requesters')
    .option('--requester <id>', 'only entries of this token id, operator user name or agent id')
    .option('--result <result>', 'only operations that ended in success or failure')
    .option('--disclosure <what>', 'only READs that handed out value (the plaintext), masked or none')
    .option('--since <when>', 'only entries from then on: a duration back (24h, 7d) or an ISO 8601 time')
    .option('--until <when>', 'only entries before then: a duration back (1h) or an ISO 8601 time')
    .option(
      '--limit <n>',
      `at most this many entries, the newest (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
    )
    .option('--before <id>', 'the newest entries before this entry id (the previous page)')
    .option('--after <id>', 'the oldest entries after this entry id (the next page, resume)')
    .option(
      '--follow',
      'keep printing entries as they are committed, until Ctrl-C (after the newest --limit, or all after --after)',
    )
    .option('--json', 'print a JSON array of entries (with --follow: one JSON object per line)')
    .addHelpText(
      'after',
      examples(
        'iron-secrets audit --secret OPENAI_API_KEY --since 24h',
        'iron-secrets audit --secret DB_PASSWORD --disclosure value --result success   # who saw the plaintext',
        'iron-secrets audit --secret master-key',
        'iron-secrets audit --requester lead-bot --result failure --since 7d',
        'iron-secrets audit --env production --limit 500 --json',
        'iron-secrets audit --follow --json --after 4711 >> /var/log/iron-secrets/audit.jsonl',
        'iron-secrets audit verify && echo "audit trail intact"',
      ),
    )
    .action(async (options: AuditOptions, command) => {
      const filters = auditFilterOptions(options);
      // Unlike other commands, no --env means every environment: an auditor wants the whole trail.
      const environment = options.env === undefined ? undefined : environmentFrom(io, options.env);
      const since = timeBound(options.since, '--since');
      const until = timeBound(options.until, '--until');
      const afterId = options.after === undefined ? undefined : parseEntryId(options.after, '--after');
      const beforeId = options.before === undefined ? undefined : parseEntryId(options.before, '--before');
      if (options.follow) {
        // --after prints every entry after it (nothing may be skipped when resuming); --since
        // would leave the starting point unclear: both refused rather than half-honoured.
        if (afterId !== undefined && options.limit !== undefined) {
          throw new CliError('USAGE', '--follow --after prints every entry after the id; leave out --limit');
        }
        if (since !== undefined || until !== undefined || beforeId !== undefined) {
          throw new CliError(
            'USAGE',
            '--follow does not take --since, --until or --before; use --limit N or --after ID',
          );
        }
        const backlog = options.limit === undefined ? DEFAULT_LIMIT : parseLimit(options.limit, 0);
        await withSession(io, globalOptions(command), false, ({ manager, requester }) =>
          followAudit(io, manager, requester, {
            afterId,
            backlog: afterId === undefined ? backlog : 0,
            filters: { ...filters, environment },
            json: options.json === true,
          }),
        );
        return;
      }
      const limit = options.limit === undefined ? DEFAULT_LIMIT : parseLimit(options.limit);
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const entries = await manager.auditLog({
          ...filters,
          environment,
          since,
          until,
          // After an id: the oldest that follow it (the next page); otherwise the newest.
          afterId,
          beforeId,
          limit,
          requester,
        });
        if (options.json) {
          printJson(io, entries.map(auditEntryJson));
          return;
        }
        const paint = painterFor(io, io.stdout);
        const scope = environment === undefined ? 'all environments' : environment;
        out(
          io,
          paint('bold', `${entries.length} audit entr${entries.length === 1 ? 'y' : 'ies'} (${scope})`),
        );
        if (entries.length === 0) return;
        const lines = renderTable(entries, [
          { heading: 'ID', cell: (e) => String(e.id) },
          { heading: 'TIME', cell: (e) => formatTime(e.timestamp) },
          // A READ says what it handed out: READ (value) is a plaintext read, READ (masked) is not.
          {
            heading: 'OPERATION',
            cell: (e) => (e.disclosure === null ? e.operation : `${e.operation} (${e.disclosure})`),
          },
          { heading: 'SECRET', cell: (e) => e.secretName },
          { heading: 'ENVIRONMENT', cell: (e) => e.environment ?? '-' },
          { heading: 'WHO', cell: (e) => `${e.requesterRole}:${e.agentId ?? e.requesterId ?? '-'}` },
          {
            heading: 'RESULT',
            cell: (e) => (e.success ? 'ok' : `denied/failed: ${e.errorMessage ?? ''}`),
            paint: (text, e) => (e.success ? paint('green', text) : paint('red', text)),
          },
        ]);
        for (const line of lines) out(io, line);
      });
    });

  audit
    .command('verify')
    .description(
      'check the audit trail (hash chain, head, anchors, secret rows): exit 0 when intact, 6 naming the problem',
    )
    .option('--json', 'print { "ok", "entries", "first_bad_id", "reason" }')
    .option('--checkpoint <file>', 'also check that the log extends this checkpoint (`audit checkpoint`)')
    .addHelpText(
      'after',
      examples(
        'iron-secrets audit verify',
        'iron-secrets audit verify --json',
        'iron-secrets audit verify --checkpoint checkpoints/2026-01-31.json',
      ),
    )
    .action(async (options: { checkpoint?: string }, command: Command) => {
      // `--json` after `verify` may have been taken by `audit` itself, which has one too.
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      const checkpoint =
        options.checkpoint === undefined ? undefined : readCheckpointFile(options.checkpoint);
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const result = await manager.verifyAuditLog({ requester, checkpoint });
        if (json) {
          printJson(io, {
            ok: result.ok,
            entries: result.entries,
            first_bad_id: result.firstBadId ?? null,
            reason: result.reason ?? null,
          });
        } else if (result.ok) {
          out(io, `Audit trail intact: ${result.entries} entr${result.entries === 1 ? 'y' : 'ies'} verified`);
        }
        if (!result.ok) {
          throw new CliError(
            'AUDIT_CHAIN_BROKEN',
            result.firstBadId
              ? `the audit trail is broken at entry ${result.firstBadId}: ${result.reason ?? 'unknown reason'}`
              : `the audit trail is broken: ${result.reason ?? 'unknown reason'}`,
            {
              hint: 'entries or rows were edited, inserted or removed outside iron-secrets (or the database was rolled back); restore the database from a backup and investigate',
            },
          );
        }
      });
    });

  registerAuditCheckpoint(audit, io);
};

function parseLimit(text: string, min = 1): number {
  const limit = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(limit >= min && limit <= MAX_LIMIT)) {
    throw new CliError('USAGE', `--limit takes a whole number from ${min} to ${MAX_LIMIT}`);
  }
  return limit;
}

function parseEntryId(text: string, flag: string): number {
  const id = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id) || (flag === '--before' && id < 1)) {
    throw new CliError('USAGE', `${flag} takes an audit entry id (a whole number, as in \`audit --json\`)`);
  }
  return id;
}
