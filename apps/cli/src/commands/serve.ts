/**
 * @module serve
 * `iron-secrets serve`: the HTTP API (and its reference) on this database, on 127.0.0.1:8080 by
 * default. SIGTERM or SIGINT drains it: new connections are refused, every answer from then on
 * says `Connection: close` (keep-alive clients reconnect, to another instance behind a load
 * balancer), requests in flight finish; then the manager closes (after the operations still
 * running) and the process exits 0. A second signal ends it at once.
 */
import { SecretsManager } from '@iron/secrets-core';
import { CliError } from '../lib/cli-error.js';
import { type CommandRegistrar, examples, globalOptions } from '../lib/command.js';
import { note } from '../lib/io.js';
import { existingDatabase } from '../lib/open-manager.js';

interface ServeOptions {
  readonly host: string;
  readonly port: string;
}

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
    .addHelpText(
      'after',
      examples(
        'iron-secrets serve',
        'iron-secrets serve --host 0.0.0.0 --port 8443   # behind a TLS-terminating proxy',
        'curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8080/api/secrets?environment=production"',
      ),
    )
    .action(async (options: ServeOptions, command) => {
      const port = /^\d{1,5}$/.test(options.port) ? Number(options.port) : Number.NaN;
      if (!(port >= 0 && port <= 65_535))
        throw new CliError('USAGE', '--port takes a port number from 0 to 65535');
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
      await server.close();
      await manager.close();
    });
};
