/**
 * @module serve
 * `iron-secrets serve`: the HTTP API (and its reference) on this database, on 127.0.0.1:8080 by
 * default. SIGTERM or SIGINT drains it: new connections are refused, every answer from then on
 * says `Connection: close` (keep-alive clients reconnect, to another instance behind a load
 * balancer), requests in flight finish; then the manager closes (after the operations still
 * running) and the process exits 0. A second signal ends it at once.
 *
 * With `--checkpoint-every`, it also writes signed audit checkpoints periodically (see
 * checkpoint-schedule.ts); the schedule stops before the server and the manager close.
 */
import { SecretsManager } from '@iron/secrets-core';
import { type CheckpointScheduleOptions, scheduleCheckpoints } from '../lib/checkpoint-schedule.js';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { parseDuration } from '../lib/duration.js';
import { note } from '../lib/io.js';
import { existingDatabase } from '../lib/open-manager.js';

interface ServeOptions {
  readonly host: string;
  readonly port: string;
  readonly checkpointEvery?: string;
  readonly checkpointFile?: string;
}

/** Checkpoints at most this often (each one is a write and a signature) and at least this rarely. */
const MIN_CHECKPOINT_SECONDS = 10;
const MAX_CHECKPOINT_SECONDS = 7 * 86_400;
const DEFAULT_CHECKPOINT_SECONDS = 3_600;

export const registerServe: CommandRegistrar = (program, io) => {
  program
    .command('serve')
    .description('serve the HTTP API on this database (bearer tokens from `token create`)')
    .option(
      '--host <host>',
      'the address to listen on (anything but loopback wants TLS in front)',
      '127.0.0.1',
    )
    .option('--port <port>', 'the port (0: any free one)', '8080')
    .option(
      '--checkpoint-every <duration>',
      'write a signed audit checkpoint at start and then this often, like 1h',
    )
    .option('--checkpoint-file <file>', 'append the checkpoints to this file (- for stdout, the default)')
    .addHelpText(
      'after',
      examples(
        'iron-secrets serve',
        'iron-secrets serve --host 0.0.0.0 --port 8443   # behind a TLS-terminating proxy',
        'iron-secrets serve --checkpoint-every 1h --checkpoint-file /var/lib/iron-secrets/checkpoints.jsonl',
        'curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8080/api/secrets?environment=production"',
      ),
    )
    .action(async (options: ServeOptions, command) => {
      const port = /^\d{1,5}$/.test(options.port) ? Number(options.port) : Number.NaN;
      if (!(port >= 0 && port <= 65_535))
        throw new CliError('USAGE', '--port takes a port number from 0 to 65535');
      const checkpoints = checkpointOptions(options);
      const database = existingDatabase(io, globalOptions(command), false);
      const manager = await SecretsManager.open({ database: database.path, env: io.env });
      // Loaded here, not at start-up: every other command would pay for it.
      const { startServer } = await import('@iron/secrets-api');
      const server = await startServer({
        manager,
        host: options.host,
        port,
        log: (line) => note(io, line),
      }).catch(async (error: unknown) => {
        await manager.close();
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError('USAGE', `cannot listen on ${options.host}:${port} (${code ?? 'error'})`);
      });
      note(
        io,
        `Serving ${database.printable} on ${server.url} (panel: ${server.url}/, API reference: ${server.url}/docs)`,
      );
      const schedule = checkpoints && scheduleCheckpoints(manager, checkpoints, io);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          note(io, 'Shutting down: finishing requests in flight');
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      await schedule?.stop();
      await server.close();
      await manager.close();
    });
};

/** The checkpoint schedule the flags ask for, if any; a usage error for a bad duration. */
function checkpointOptions(options: ServeOptions): CheckpointScheduleOptions | undefined {
  if (options.checkpointEvery === undefined && options.checkpointFile === undefined) return undefined;
  const everySeconds =
    options.checkpointEvery === undefined
      ? DEFAULT_CHECKPOINT_SECONDS
      : parseDuration(options.checkpointEvery, '--checkpoint-every');
  if (everySeconds < MIN_CHECKPOINT_SECONDS || everySeconds > MAX_CHECKPOINT_SECONDS) {
    throw new CliError('USAGE', '--checkpoint-every must be between 10s and 7d');
  }
  if (options.checkpointFile === '')
    throw new CliError('USAGE', '--checkpoint-file needs a path, or - for stdout');
  return { everySeconds, file: options.checkpointFile ?? '-' };
}
