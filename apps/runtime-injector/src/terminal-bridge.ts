/**
 * @module terminal-bridge
 * Giving a redacted agent a terminal. When the injector's stdout is a terminal, the agent runs on
 * a pseudo-terminal made by `python/pty_bridge.py` (Python's standard `pty` module: Linux and
 * macOS), whose output comes back through the redactor; keystrokes go to it raw, window size
 * changes follow. Without python3 the agent gets pipes, and programs that look for a terminal
 * turn colours and full-screen modes off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bridge script, shipped next to the Python helper. */
export const PTY_BRIDGE = fileURLToPath(new URL('../python/pty_bridge.py', import.meta.url));

/** Tells the bridge to give the agent its own stderr (see {@link TerminalStreams}). */
const SEPARATE_STDERR_FLAG = '--separate-stderr';
/** Tells the bridge to give the agent our stdin, when it is not a terminal. */
const KEEP_STDIN_FLAG = '--keep-stdin';

/** The python3 on PATH, if there is one. */
export function findPython(env: NodeJS.ProcessEnv): string | undefined {
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, 'python3');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A running bridge and how to stop relaying to it. */
export interface Bridged {
  readonly process: ChildProcess;
  /** Restores the terminal and stops relaying input and resizes. */
  release(): void;
}

/** Where a bridged agent's input and output go. */
export interface TerminalStreams {
  /** Our stdin: relayed to the agent's terminal. */
  readonly stdin: NodeJS.ReadStream;
  /** Our stdout, a terminal: the size the agent's terminal takes, and follows. */
  readonly terminal: NodeJS.WriteStream;
  /**
   * The agent's stderr on the bridge's stderr (a pipe, for its own redaction) instead of on the
   * terminal: where our stderr is not the terminal (`2>file`), the agent's must not be either.
   */
  readonly separateStderr: boolean;
}

/**
 * Starts `command` on a pseudo-terminal of `terminal`'s size. Our stdin, if it is a terminal, is
 * put in raw mode (Ctrl-C becomes a byte for the agent's terminal) until `release()`. The bridge's
 * stdout carries what the agent writes to its terminal; its stderr is a pipe (the agent's stderr
 * with `separateStderr`, else only the bridge's own messages), for the caller to redact.
 */
export function spawnOnTerminal(
  python: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  streams: TerminalStreams,
): Bridged {
  const { stdin, terminal } = streams;
  const size = () => `${terminal.rows || 24} ${terminal.columns || 80}`;
  const [rows, columns] = size().split(' ');
  // Keystrokes go through the agent's terminal; input from a pipe or a file goes to the agent
  // directly (a terminal would echo it, edit it, turn its control bytes into signals, never end it).
  const keystrokes = stdin.isTTY === true;
  const flags = [
    ...(streams.separateStderr ? [SEPARATE_STDERR_FLAG] : []),
    ...(keystrokes ? [] : [KEEP_STDIN_FLAG]),
  ];
  const bridge = spawn(python, [PTY_BRIDGE, ...flags, rows!, columns!, command, ...args], {
    env,
    stdio: [keystrokes ? 'pipe' : 'inherit', 'pipe', streams.separateStderr ? 'pipe' : 'inherit', 'pipe'],
  });
  if (keystrokes) {
    stdin.setRawMode(true);
    stdin.pipe(bridge.stdin!);
    bridge.stdin!.on('error', () => {}); // the agent may exit while keys are in flight
  }
  const control = bridge.stdio[3] as NodeJS.WritableStream;
  control.on('error', () => {});
  const resize = () => control.write(`${size()}\n`);
  terminal.on('resize', resize);
  return {
    process: bridge,
    release() {
      terminal.off('resize', resize);
      if (keystrokes) {
        stdin.unpipe(bridge.stdin!);
        stdin.setRawMode(false);
        stdin.pause();
      }
    },
  };
}
