/**
 * @module progress-bar
 * A one-line progress bar on a terminal (redrawn in place); nothing at all on a pipe, where
 * carriage returns would only clutter a log.
 */
import { type Io, isTerminal } from './io.js';

const WIDTH = 30;

/** Reports progress of `total` steps; `done()` ends the line. */
export interface ProgressBar {
  update(done: number, total: number): void;
  done(): void;
}

/** A bar on stderr labelled `label`, or a silent one when stderr is not a terminal. */
export function progressBar(io: Io, label: string): ProgressBar {
  if (!isTerminal(io.stderr)) return { update: () => {}, done: () => {} };
  let drawn = false;
  let lastFilled = -1;
  return {
    update(done, total) {
      const filled = total === 0 ? WIDTH : Math.floor((done / total) * WIDTH);
      if (filled === lastFilled && done !== total) return; // redraw only when the bar moves
      lastFilled = filled;
      drawn = true;
      io.stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}`);
    },
    done() {
      if (drawn) io.stderr.write('\n');
    },
  };
}
