/**
 * @module read-value
 * Where `set` gets a value: a file (`--from-file`), stdin when it is a pipe, or a hidden prompt,
 * asked twice, when it is a terminal. Never a command-line argument: those are visible to every
 * user of the machine in `ps` and end up in shell history.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DEFAULT_MAX_VALUE_BYTES } from '@iron/secrets-core';
import { CliError } from './cli-error.js';
import { type Io, isTerminal } from './io.js';
import { promptHidden } from './terminal-prompt.js';

/**
 * The value for secret `name`. From stdin, one trailing newline is removed (`echo value |` adds
 * one); from a file, the content is kept exactly (a PEM or SSH key's final newline matters).
 */
export async function readSecretValue(io: Io, name: string, fromFile: string | undefined): Promise<string> {
  if (fromFile !== undefined) return decode(readFileCapped(fromFile), `the file given to --from-file`);
  if (!isTerminal(io.stdin)) {
    const value = withoutFinalNewline(decode(await readStdinCapped(io.stdin), 'stdin'));
    if (value === '') {
      throw new CliError('INVALID_INPUT', 'no value on stdin: a secret value cannot be empty', {
        hint: `pipe the value in, like: printf %s "$VALUE" | iron-secrets set ${name}`,
      });
    }
    return value;
  }
  const first = await promptHidden(io, `Value for ${name} (input hidden): `);
  if (first === '') throw new CliError('INVALID_INPUT', 'a secret value cannot be empty; nothing was stored');
  const second = await promptHidden(io, `Repeat the value for ${name}: `);
  if (first !== second) throw new CliError('INVALID_INPUT', 'the two values differ; nothing was stored');
  return first;
}

/** Bytes read beyond the limit: enough to tell "too large" from a value plus its newline. */
const SLACK_BYTES = 2;

function tooLarge(where: string): CliError {
  return new CliError(
    'INVALID_INPUT',
    `${where} holds more than ${DEFAULT_MAX_VALUE_BYTES} bytes; a secret value may be at most ${DEFAULT_MAX_VALUE_BYTES} bytes`,
  );
}

/** Reads stdin up to the value limit, and stops reading (instead of buffering it all) past it. */
async function readStdinCapped(stdin: NodeJS.ReadStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    chunks.push(buffer);
    if (size > DEFAULT_MAX_VALUE_BYTES + SLACK_BYTES) {
      stdin.destroy();
      wipeAll(chunks);
      throw tooLarge('stdin');
    }
  }
  const joined = Buffer.concat(chunks, size);
  wipeAll(chunks);
  return joined;
}

/** Reads a regular file of at most the value limit. */
function readFileCapped(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new CliError('INVALID_INPUT', `cannot read the file given to --from-file (${code})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new CliError('INVALID_INPUT', '--from-file must name a regular file');
    if (stat.size > DEFAULT_MAX_VALUE_BYTES) throw tooLarge('the file given to --from-file');
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Strict UTF-8: bytes that are not text are refused, not replaced by U+FFFD. The bytes are wiped. */
function decode(bytes: Buffer, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CliError('INVALID_INPUT', `${where} is not UTF-8 text; secret values are text`);
  } finally {
    bytes.fill(0);
  }
}

function withoutFinalNewline(value: string): string {
  if (value.endsWith('\r\n')) return value.slice(0, -2);
  if (value.endsWith('\n')) return value.slice(0, -1);
  return value;
}

function wipeAll(chunks: Buffer[]): void {
  for (const chunk of chunks) chunk.fill(0);
}
