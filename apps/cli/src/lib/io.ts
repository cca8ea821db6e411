/**
 * @module io
 * The streams and environment a command runs with. Commands take an {@link Io} instead of
 * reaching for `process`, so that what is a terminal, and what is printed where, is decided in
 * one place.
 */

/** What a command may read and write. */
export interface Io {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

/** The running process's streams and environment. */
export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Whether a person is at the other end of `stream` (a terminal), not a pipe or a file. */
export function isTerminal(stream: NodeJS.ReadStream | NodeJS.WriteStream): boolean {
  return stream.isTTY === true;
}

/** Writes one line to stdout. */
export function out(io: Io, line = ''): void {
  io.stdout.write(`${line}\n`);
}

/** Writes one line to stderr: everything that is not the command's result. */
export function note(io: Io, line = ''): void {
  io.stderr.write(`${line}\n`);
}
