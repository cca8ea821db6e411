/**
 * @module audit-follow
 * `iron-secrets audit --follow`: the audit trail as it is written (issue 14, finding 5), one entry
 * per line (JSON lines with `--json`, the fields of `audit --json`, never a value), until SIGINT
 * or SIGTERM, or until the reader goes away (EPIPE: `| head -1`, a shipper that stopped). Each of
 * those ends it cleanly, exit 0: a supervisor restarting a shipper sees a clean stop, and the
 * next run resumes with `--after <the last id shipped>`.
 */
import {
  type AuditEntry,
  type AuditFilters,
  auditEntryJson,
  type Requester,
  type SecretsManager,
} from '@iron/secrets-core';
import { formatTime } from './format.js';
import type { Io } from './io.js';
import { painterFor } from './style.js';

/** What to follow and how to print it. */
export interface FollowAuditOptions {
  readonly afterId: number | undefined;
  readonly backlog: number;
  /** The same filters as `audit` without --follow. */
  readonly filters: AuditFilters;
  readonly json: boolean;
}

/** Prints entries as they are committed until stopped; resolves when stopped cleanly. */
export async function followAudit(
  io: Io,
  manager: SecretsManager,
  requester: Requester,
  options: FollowAuditOptions,
): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  let outputError: Error | undefined;
  const onOutputError = (error: NodeJS.ErrnoException) => {
    // The reader went away: nothing more can be delivered, and that is not a failure.
    if (error.code !== 'EPIPE') outputError = error;
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  io.stdout.on('error', onOutputError);
  const line = options.json ? jsonLine : humanLine(io);
  try {
    const follow = await manager.followAuditLog({
      afterId: options.afterId,
      backlog: options.backlog,
      ...options.filters,
      requester,
      signal: stop.signal,
    });
    for await (const batch of follow) {
      if (stop.signal.aborted) break;
      // One write per batch: a line is never split between two writes.
      if (!io.stdout.write(batch.map(line).join(''))) await drained(io.stdout, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Kept listening: a write already queued may still fail after the reader has gone.
    io.stdout.off('error', onOutputError);
    io.stdout.on('error', () => {});
  }
  if (outputError) throw outputError;
}

function jsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(auditEntryJson(entry))}\n`;
}

/** One entry per line for a person watching: the columns of `audit`, without the alignment. */
function humanLine(io: Io): (entry: AuditEntry) => string {
  const paint = painterFor(io, io.stdout);
  return (entry) => {
    const who = `${entry.requesterRole}:${entry.agentId ?? entry.requesterId ?? '-'}`;
    const result = entry.success
      ? paint('green', 'ok')
      : paint('red', `denied/failed: ${entry.errorMessage ?? ''}`);
    const operation =
      entry.disclosure === null ? entry.operation : `${entry.operation} (${entry.disclosure})`;
    return `${[entry.id, formatTime(entry.timestamp), operation, entry.secretName, entry.environment ?? '-', who].join('  ')}  ${result}\n`;
  };
}

/** Resolves when `stream` can take more, or when stopped (a reader that went away never drains). */
function drained(stream: NodeJS.WriteStream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    stream.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
