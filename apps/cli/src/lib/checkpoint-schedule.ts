/**
 * @module checkpoint-schedule
 * `serve --checkpoint-every`: a signed audit checkpoint at start and then periodically, one JSON
 * line each, appended to a file or written to stdout for a log shipper, so an external store
 * holds the chain's head without anyone running `audit checkpoint` by hand.
 *
 * Owned by `serve`: started after the manager opens, stopped (waiting for a checkpoint being
 * written) before the server and the manager close.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import type { SecretsManager } from '@iron/secrets-core';
import { type Io, note } from './io.js';

/** Where and how often. `file` is a path, or `-` for stdout. */
export interface CheckpointScheduleOptions {
  readonly everySeconds: number;
  readonly file: string;
}

/** A running schedule; `stop()` ends it once any checkpoint being written is written. */
export interface CheckpointSchedule {
  stop(): Promise<void>;
}

/** Starts writing checkpoints; a failed one is logged (a WARN line) and the next is tried. */
export function scheduleCheckpoints(
  manager: SecretsManager,
  options: CheckpointScheduleOptions,
  io: Io,
): CheckpointSchedule {
  let running: Promise<void> | undefined;
  const write = (line: string) => {
    if (options.file === '-') {
      io.stdout.write(line);
      return;
    }
    // Appended, created private, never through a link planted at the path.
    const fd = openSync(
      options.file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeSync(fd, line);
    } finally {
      closeSync(fd);
    }
  };
  const tick = () => {
    if (running !== undefined) return; // the previous one is still being written: skip, never pile up
    running = manager
      .createCheckpoint()
      .then((checkpoint) => write(`${JSON.stringify(checkpoint)}\n`))
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        note(io, `WARN audit checkpoint not written: ${reason}`);
      })
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, options.everySeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
