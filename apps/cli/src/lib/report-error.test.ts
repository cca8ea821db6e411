import { PassThrough } from 'node:stream';
import { IronSecretsError } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import type { Io } from './io.js';
import { reportError } from './report-error.js';

/** An Io whose stderr is collected; not a terminal, so no colour. */
function captured(env: NodeJS.ProcessEnv = {}): { io: Io; stderr: () => string } {
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env } as unknown as Io;
  return { io, stderr: () => Buffer.concat(chunks).toString('utf8') };
}

describe('reportError: every documented exit code', () => {
  it.each([
    ['STORAGE_FAILED', 1],
    ['CONCURRENT_MODIFICATION', 1],
    ['PRECONDITION_FAILED', 1],
    ['SECRET_ALREADY_EXISTS', 1],
    ['INVALID_SECRET_NAME', 2],
    ['RESERVED_SECRET_NAME', 2],
    ['INVALID_SECRET_VALUE', 2],
    ['INVALID_ENVIRONMENT', 2],
    ['INVALID_ARGUMENT', 2],
    ['INVALID_REQUESTER', 2],
    ['SECRET_NOT_FOUND', 3],
    ['TOKEN_NOT_FOUND', 3],
    ['ACCESS_DENIED', 4],
    ['INVALID_TOKEN', 4],
    ['MASTER_KEY_NOT_FOUND', 5],
    ['INVALID_MASTER_KEY', 5],
    ['MASTER_KEY_MISMATCH', 5],
    ['DECRYPTION_FAILED', 6],
    ['INTEGRITY_VIOLATION', 6],
    ['SCHEMA_MISMATCH', 6],
  ] as const)('%s exits %i with one error line', (code, exit) => {
    const { io, stderr } = captured();
    expect(reportError(io, new IronSecretsError(code, 'what went wrong'))).toBe(exit);
    expect(stderr().split('\n')[0]).toBe(`error: what went wrong (${code})`);
  });

  it('CLI errors carry their own code, hint and exit status', () => {
    const { io, stderr } = captured();
    expect(
      reportError(io, new CliError('AUDIT_CHAIN_BROKEN', 'broken at entry 2', { hint: 'restore' })),
    ).toBe(6);
    expect(stderr()).toBe('error: broken at entry 2 (AUDIT_CHAIN_BROKEN)\nhint: restore\n');
    expect(reportError(captured().io, new CliError('CANCELLED', 'cancelled', { exitCode: 130 }))).toBe(130);
    expect(reportError(captured().io, new CliError('USAGE', 'bad'))).toBe(2);
    expect(reportError(captured().io, new CliError('DATABASE_NOT_FOUND', 'none'))).toBe(3);
  });

  it('anything unexpected is exit 1, INTERNAL, with a stack trace only under IRON_SECRETS_DEBUG=1', () => {
    const quiet = captured();
    expect(reportError(quiet.io, new TypeError('boom'))).toBe(1);
    expect(quiet.stderr()).toMatch(
      /^error: unexpected failure: boom \(INTERNAL\)\nhint: run again with IRON_SECRETS_DEBUG=1/,
    );
    expect(quiet.stderr()).not.toContain('    at ');
    const debug = captured({ IRON_SECRETS_DEBUG: '1' });
    reportError(debug.io, new TypeError('boom'));
    expect(debug.stderr()).toContain('    at ');
  });
});
