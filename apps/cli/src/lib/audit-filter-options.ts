/**
 * @module audit-filter-options
 * The audit trail's filters as flags, shared by `audit` and `audit --follow`, checked before the
 * database is opened: each wrong one is a usage error saying what was expected.
 */
import type { AuditFilters } from '@iron/secrets-core';
import { CliError } from './cli-error.js';
import { parseDuration } from './duration.js';

/** The flags as commander hands them over. */
export interface AuditFilterFlags {
  readonly secret?: string;
  readonly operation?: string;
  readonly role?: string;
  readonly requester?: string;
  readonly result?: string;
  readonly disclosure?: string;
}

const OPERATIONS = ['CREATE', 'READ', 'UPDATE', 'DELETE'] as const;
const ROLES = ['admin', 'viewer', 'agent'] as const;
const RESULTS = ['success', 'failure'] as const;
const DISCLOSURES = ['value', 'masked', 'none'] as const;

/** The library's filters (environment aside, which every command resolves its own way). */
export function auditFilterOptions(flags: AuditFilterFlags): Omit<AuditFilters, 'environment'> {
  const result = oneOf(flags.result?.toLowerCase(), RESULTS, '--result');
  if (flags.requester !== undefined && flags.requester.length === 0) {
    throw new CliError('USAGE', '--requester takes a token id, an operator user name or an agent id');
  }
  return {
    // A secret's name, master-key, token:<id> or *: the library checks it without echoing it.
    secretName: flags.secret,
    operation: oneOf(flags.operation?.toUpperCase(), OPERATIONS, '--operation'),
    requesterRole: oneOf(flags.role?.toLowerCase(), ROLES, '--role'),
    requestedBy: flags.requester,
    success: result === undefined ? undefined : result === 'success',
    disclosure: oneOf(flags.disclosure?.toLowerCase(), DISCLOSURES, '--disclosure'),
  };
}

/**
 * A bound of a time range: a duration back from now (`24h`, `7d`) or an ISO 8601 date or time
 * (`2026-11-30`, `2026-11-30T12:00:00Z`). A date or time without a zone is UTC, as the trail's
 * own times are, never the machine's local time; a date that does not exist (`2026-02-30`) is
 * refused rather than rolled over into March.
 */
export function timeBound(text: string | undefined, flag: string, now = Date.now()): Date | undefined {
  if (text === undefined) return undefined;
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text,
    );
  if (iso) {
    const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = iso;
    const date = new Date(
      `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
    );
    const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    const exists =
      calendar.getUTCFullYear() === Number(year) &&
      calendar.getUTCMonth() === Number(month) - 1 &&
      calendar.getUTCDate() === Number(day);
    if (exists && !Number.isNaN(date.getTime())) return date;
  }
  if (/^\d/.test(text) && !/^\d{4}-/.test(text)) return new Date(now - parseDuration(text, flag) * 1000);
  throw new CliError(
    'USAGE',
    `${flag} takes a duration back from now (like 24h or 7d) or an ISO 8601 date or time (like 2026-11-30 or 2026-11-30T12:00:00Z)`,
  );
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError('USAGE', `${flag} takes one of ${allowed.join(', ')}`);
  }
  return value as T;
}
