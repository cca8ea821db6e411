/**
 * @module terminal-prompt
 * Asking the person at the terminal: a hidden prompt for values (nothing is echoed, not even
 * asterisks, so the length does not show over a shoulder or in a screen recording), and a yes/no
 * confirmation. Both write to stderr, so stdout stays the command's result.
 */
import { createInterface } from 'node:readline';
import { CliError } from './cli-error.js';
import type { Io } from './io.js';

/** Ctrl-C at a prompt exits like an interrupted program: 128 + SIGINT. */
const INTERRUPTED_EXIT = 130;

/** Longest input a prompt keeps, in characters: far above any value, well below a memory problem. */
const MAX_PROMPT_CHARS = 1024 * 1024;

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Reads one line from the terminal without echoing it. Ctrl-C cancels; Ctrl-U clears. */
export function promptHidden(io: Io, question: string): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let input = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (ENTER.has(char) || (char === CTRL_D && input !== '')) {
          finish();
          resolve(input);
          return;
        }
        if (char === CTRL_C || char === CTRL_D) {
          finish();
          reject(new CliError('CANCELLED', 'cancelled; nothing was changed', { exitCode: INTERRUPTED_EXIT }));
          return;
        }
        if (BACKSPACE.has(char)) input = Array.from(input).slice(0, -1).join('');
        else if (char === CTRL_U) input = '';
        // Other control characters (arrows, escapes) are not part of a value.
        else if (char >= ' ' && input.length < MAX_PROMPT_CHARS) input += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks a yes/no question on the terminal; only `y` or `yes` is yes. */
export async function confirm(io: Io, question: string): Promise<boolean> {
  const lines = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => lines.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    lines.close();
  }
}
