/**
 * @module token
 * `iron-secrets token create|list|revoke`: the access tokens the HTTP API and a remote `run`
 * authenticate with. A token is printed once, by `create`, and never again: only its hash is kept.
 */
import type { AccessToken, Environment, Role } from '@iron/secrets-core';
import { ENVIRONMENTS, isoSeconds, ROLES } from '@iron/secrets-core';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { parseDuration } from '../lib/duration.js';
import { formatTime, printJson } from '../lib/format.js';
import { isTerminal, note, out } from '../lib/io.js';
import { withSession } from '../lib/open-manager.js';
import { painterFor } from '../lib/style.js';
import { renderTable } from '../lib/table.js';

interface CreateOptions {
  readonly role: string;
  readonly env?: string[];
  readonly agentId?: string;
  readonly secret?: string[];
  readonly expiresIn?: string;
  readonly json?: boolean;
}

/** A token as JSON: never the token itself. */
function tokenJson(token: AccessToken) {
  return {
    id: token.id,
    role: token.role,
    agent_id: token.agentId,
    environments: token.environments,
    secrets: token.secrets,
    created_at: isoSeconds(token.createdAt),
    created_by: token.createdBy,
    expires_at: isoSeconds(token.expiresAt),
    revoked_at: isoSeconds(token.revokedAt),
    status: token.status,
  };
}

/** Who a token is, in a few words, for people. */
function describeToken(token: AccessToken): string {
  const where = token.environments === null ? 'all environments' : token.environments.join(', ');
  const what = token.secrets === null ? '' : `, secrets ${token.secrets.join(' ')}`;
  const who = token.agentId === null ? '' : `, agent id ${token.agentId}`;
  return `${token.role} in ${where}${what}${who}`;
}

export const registerToken: CommandRegistrar = (program, io) => {
  const token = program
    .command('token')
    .description('create, list and revoke access tokens for the HTTP API and remote `run`')
    .addHelpText(
      'after',
      examples(
        'iron-secrets token create --role agent --env production --agent-id lead-bot',
        'iron-secrets token list',
        'iron-secrets token revoke 3f9a1c2b7d4e',
      ),
    );

  token
    .command('create')
    .description('mint a token and print it once (on stdout; what it is on stderr)')
    .requiredOption('--role <role>', `${ROLES.join(', ')}`)
    .option('--env <environment...>', 'environments it may reach (default: all; agents must name theirs)')
    .option('--agent-id <id>', 'the agent identity recorded in the audit log')
    .option('--secret <pattern...>', 'secret names or patterns with * it may reach (default: all)')
    .option('--expires-in <duration>', 'stop working after this long, like 30d (default: never)')
    .option('--json', 'print { "id", "token" }')
    .addHelpText(
      'after',
      examples(
        'iron-secrets token create --role agent --env production --agent-id lead-bot --secret "OPENAI_*" --expires-in 30d',
        'iron-secrets token create --role viewer --json',
        'export IRON_SECRETS_TOKEN="$(iron-secrets token create --role agent --env staging)"',
      ),
    )
    .action(async (options: CreateOptions, command) => {
      if (!(ROLES as readonly string[]).includes(options.role)) {
        throw new CliError('USAGE', `--role must be one of ${ROLES.join(', ')}`);
      }
      const environments = options.env === undefined ? undefined : uniqueEnvironments(options.env);
      if (options.role === 'agent' && environments === undefined) {
        throw new CliError('USAGE', 'an agent token must name the environments it may read', {
          hint: 'add --env production (or staging, development); agents reach only their own environment',
        });
      }
      const expiresIn =
        options.expiresIn === undefined ? undefined : parseDuration(options.expiresIn, '--expires-in');
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const created = await manager.createToken({
          role: options.role as Role,
          environments,
          agentId: options.agentId,
          secrets: options.secret,
          expiresAt: expiresIn === undefined ? undefined : new Date(Date.now() + expiresIn * 1000),
          requester,
        });
        if (options.json) {
          printJson(io, { id: created.id, token: created.token });
          return;
        }
        out(io, created.token);
        const expiry =
          created.expiresAt === null ? 'never expires' : `expires ${formatTime(created.expiresAt)}`;
        note(io, `Created token ${created.id} (${describeToken(created)}; ${expiry})`);
        if (isTerminal(io.stdout)) note(io, 'Copy it now: it is not stored and cannot be shown again.');
      });
    });

  token
    .command('list')
    .description('list tokens: id, role, scope, status (never the tokens themselves)')
    .option('--json', 'print a JSON array')
    .addHelpText('after', examples('iron-secrets token list', 'iron-secrets token list --json'))
    .action(async (options: { json?: boolean }, command) => {
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const tokens = await manager.listTokens({ requester });
        if (options.json) {
          printJson(io, tokens.map(tokenJson));
          return;
        }
        const paint = painterFor(io, io.stdout);
        out(io, paint('bold', `${tokens.length} token${tokens.length === 1 ? '' : 's'}`));
        if (tokens.length === 0) return;
        const lines = renderTable(tokens, [
          { heading: 'ID', cell: (t) => t.id },
          { heading: 'ROLE', cell: (t) => t.role },
          { heading: 'ENVIRONMENTS', cell: (t) => t.environments?.join(',') ?? 'all' },
          { heading: 'SECRETS', cell: (t) => t.secrets?.join(',') ?? 'all' },
          { heading: 'AGENT', cell: (t) => t.agentId ?? '-' },
          { heading: 'CREATED', cell: (t) => formatTime(t.createdAt) },
          { heading: 'EXPIRES', cell: (t) => formatTime(t.expiresAt) },
          {
            heading: 'STATUS',
            cell: (t) => t.status,
            paint: (text, t) => (t.status === 'active' ? paint('green', text) : paint('red', text)),
          },
        ]);
        for (const line of lines) out(io, line);
      });
    });

  token
    .command('revoke')
    .description('revoke a token by id: refused everywhere from now on')
    .argument('<id>', 'the token id (12 hex digits, from `token list`)')
    .addHelpText('after', examples('iron-secrets token revoke 3f9a1c2b7d4e'))
    .action(async (id: string, _options, command) => {
      await withSession(io, globalOptions(command), false, async ({ manager, requester }) => {
        const result = await manager.revokeToken(id, { requester });
        out(io, result === 'revoked' ? `Revoked token ${id}` : `Token ${id} was already revoked`);
      });
    });
};

function uniqueEnvironments(values: readonly string[]): Environment[] {
  for (const value of values) {
    if (!(ENVIRONMENTS as readonly string[]).includes(value)) {
      throw new CliError('INVALID_ENVIRONMENT', `--env must be one of ${ENVIRONMENTS.join(', ')}`);
    }
  }
  return [...new Set(values)] as Environment[];
}
