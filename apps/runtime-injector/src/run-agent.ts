/**
 * @module run-agent
 * `iron-secrets run`: starts an agent with its secrets as environment variables, passes its
 * output through the redactor, and keeps it supplied through rotations, like a well-behaved
 * supervisor (stdin passes through, signals are forwarded, the exit status is the child's).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { RedactionDictionary, RedactionScanner } from '@iron/secrets-core';
import { type AgentEndpoint, startAgentEndpoint } from './agent-endpoint.js';
import { childEnvironment } from './child-environment.js';
import { Lifetime } from './lifetime.js';
import { isDescendantOf } from './process-tree.js';
import { redactingStream } from './redacting-stream.js';
import { logLine } from './rotation-log.js';
import type { SecretSource, SecretValues } from './secret-source.js';
import { findPython, spawnOnTerminal } from './terminal-bridge.js';

/** Signals forwarded to the agent. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** How long a restarted agent gets between SIGTERM and SIGKILL. */
export const RESTART_GRACE_MS = 10_000;

/** Exit statuses of shells: a command that is not found, and one that cannot be executed. */
export const EXIT_NOT_FOUND = 127;
export const EXIT_NOT_EXECUTABLE = 126;

/** Options of {@link runAgent}. */
export interface RunAgentOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly source: SecretSource;
  /** Sent to the agent after a rotation (default SIGUSR1). */
  readonly signal?: NodeJS.Signals | undefined;
  /** Restart the agent on a rotation instead of signalling it. */
  readonly restart?: boolean | undefined;
  /** Pass output through the redactor (default true). */
  readonly redact?: boolean | undefined;
  /** The injector's own environment, which the child's is built from. */
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Grace period of a restart; default {@link RESTART_GRACE_MS}. */
  readonly restartGraceMs?: number | undefined;
}

/**
 * Runs the agent until it exits; resolves with its exit status (128 + n if signal n killed it).
 * Everything it opens is owned by one {@link Lifetime} and released, in order, on every way out.
 */
export async function runAgent(options: RunAgentOptions): Promise<number> {
  const log = (level: 'INFO' | 'WARN' | 'ERROR', message: string): void => {
    options.stderr.write(`${logLine(level, message)}\n`);
  };
  const lifetime = new Lifetime();
  try {
    return await supervise(options, lifetime, log);
  } finally {
    await lifetime.close((name, error) =>
      log('WARN', `${name} was not released cleanly: ${describe(error)}`),
    );
  }
}

type Log = (level: 'INFO' | 'WARN' | 'ERROR', message: string) => void;

async function supervise(options: RunAgentOptions, lifetime: Lifetime, log: Log): Promise<number> {
  const signal = options.signal ?? 'SIGUSR1';
  const redact = options.redact !== false;

  // What the agent was last given (its environment, or the last rotation announced).
  let current: SecretValues = await options.source.fetch();
  // One dictionary for every stream of the agent (each stream's scanner holds only its own tail),
  // so stdout, stderr and a terminal cannot disagree about what is secret. It learns every value
  // ever handed out, the source's own credentials and the endpoint's token, which the agent could
  // print too; it only grows, so an old value stays redacted after a rotation.
  const dictionary = new RedactionDictionary();
  const learn = (values: SecretValues) => dictionary.add([...values.values()]);
  learn(current);
  dictionary.add(options.source.credentials);

  let child: ChildProcess | undefined;
  const endpoint: AgentEndpoint = await startAgentEndpoint(
    async () => {
      // Fresh values may reach the agent here before the rotation is noticed: the dictionary
      // learns them first, so the agent cannot print one unredacted.
      const values = await options.source.fetch();
      learn(values);
      return values;
    },
    // Only the agent's own processes may ask for the rotation signal.
    { isAgentProcess: (pid) => child?.pid !== undefined && isDescendantOf(pid, child.pid) },
  );
  lifetime.defer('the agent endpoint', () => endpoint.close());
  dictionary.add([endpoint.token]);

  // A terminal for the agent where our output is one and it is redacted (see terminal-bridge).
  // The agent's stderr shares it only where our stderr is a terminal too: `2>file` keeps its place.
  const terminal = redact && (options.stdout as NodeJS.WriteStream).isTTY === true;
  const stderrOnTerminal = (options.stderr as NodeJS.WriteStream).isTTY === true;
  const python = terminal ? findPython(options.env) : undefined;
  if (terminal && python === undefined) {
    log('INFO', 'no python3 for a pseudo-terminal: the agent writes into pipes, so it may turn colours off');
  }

  const start = () => {
    const env = childEnvironment(options.env, current, endpoint);
    if (python !== undefined) {
      const bridged = spawnOnTerminal(python, options.command, options.args, env, {
        stdin: options.stdin,
        terminal: options.stdout as NodeJS.WriteStream,
        separateStderr: !stderrOnTerminal,
      });
      const piped = [relay(bridged.process.stdout!, dictionary, options.stdout)];
      if (!stderrOnTerminal) piped.push(relay(bridged.process.stderr!, dictionary, options.stderr));
      const exited = exitStatus(bridged.process, options.command, log).finally(() => bridged.release());
      return { process: bridged.process, exited, piped };
    }
    const started = spawn(options.command, [...options.args], {
      env,
      stdio: ['inherit', redact ? 'pipe' : 'inherit', redact ? 'pipe' : 'inherit'],
    });
    const piped: Promise<void>[] = [];
    if (redact) {
      piped.push(relay(started.stdout!, dictionary, options.stdout));
      piped.push(relay(started.stderr!, dictionary, options.stderr));
    }
    return { process: started, exited: exitStatus(started, options.command, log), piped };
  };

  const forward = (received: NodeJS.Signals) => {
    // On a terminal, Ctrl-C and Ctrl-\ reach the whole foreground process group, the agent
    // included: forwarding them again would deliver them twice. (On a pseudo-terminal the agent
    // is in a session of its own and our terminal is raw, so what reaches us came from `kill`.)
    if ((received === 'SIGINT' || received === 'SIGQUIT') && options.stdin.isTTY && python === undefined)
      return;
    child?.kill(received);
  };
  for (const name of FORWARDED_SIGNALS) process.on(name, forward);
  lifetime.defer('the signal handlers', () => {
    for (const name of FORWARDED_SIGNALS) process.off(name, forward);
  });

  // A write to our stdout or stderr that fails (EPIPE) is the relay's to handle (see relay), or
  // a log line's to lose: it must not end the injector with its agent still running.
  const ignore = () => {};
  for (const stream of [options.stdout, options.stderr]) stream.on('error', ignore);
  lifetime.defer('the output error handlers', () => {
    for (const stream of [options.stdout, options.stderr]) stream.off('error', ignore);
  });

  // Rotations run one at a time; the last one in flight is awaited before the endpoint closes.
  let rotating: Promise<void> = Promise.resolve();
  lifetime.defer('the rotation in flight', () => rotating);
  // The agent process a rotation is restarting, if any: only its exit means "start it again".
  let restarting: ChildProcess | undefined;
  let warnedUnwatched: ChildProcess | undefined;
  const rotate = () => {
    rotating = rotating
      .then(async () => {
        if (lifetime.closing) return;
        const fresh = await options.source.fetch();
        const changed = [...fresh.keys()].filter((name) => current.get(name) !== fresh.get(name));
        const removed = [...current.keys()].filter((name) => !fresh.has(name));
        if (changed.length === 0 && removed.length === 0) return;
        learn(fresh);
        current = fresh;
        const outcome = options.restart ? await restart() : notify();
        for (const name of changed) log('INFO', `Secret rotated: ${name} (${outcome})`);
        for (const name of removed) log('INFO', `Secret removed: ${name} (${outcome})`);
      })
      .catch((error: unknown) => log('WARN', `rotation not applied: ${describe(error)}`));
  };
  /** --restart: a running agent is stopped and started again (by the loop below) with `current`. */
  const restart = async (): Promise<string> => {
    if (child !== undefined && isRunning(child)) {
      restarting = child;
      await terminate(child, options.restartGraceMs ?? RESTART_GRACE_MS);
      return 'agent restarted';
    }
    // Already being restarted: the new agent starts with these values. Or it has exited by itself
    // and its status is being returned: nothing to restart.
    return restarting === child ? 'agent restarted' : 'agent has exited';
  };
  /** The signal goes only to the agent's processes that asked for it with `watch()`. */
  const notify = (): string => {
    const watchers = endpoint.watchers();
    let signalled = 0;
    for (const pid of watchers) {
      try {
        process.kill(pid, signal);
        signalled += 1;
      } catch {
        // exited since it registered
      }
    }
    if (signalled > 0) return 'no restart required';
    if (warnedUnwatched !== child) {
      warnedUnwatched = child;
      log(
        'WARN',
        `the agent does not handle the rotation signal (no process of it called watch()): it keeps its old environment; the fresh values are at its endpoint, and --restart restarts it instead`,
      );
    }
    return 'agent not signalled';
  };

  let lastWatchError: string | undefined;
  const stopWatching = options.source.watch(
    () => {
      lastWatchError = undefined;
      rotate();
    },
    (error) => {
      // Polled every 250 ms: the same failure is reported once, not four times a second.
      const message = `cannot check for rotated secrets: ${describe(error)}`;
      if (message === lastWatchError) return;
      lastWatchError = message;
      log('WARN', message);
    },
  );
  lifetime.defer('the watch on the source', stopWatching);

  for (;;) {
    const run = start();
    child = run.process;
    const started = run.process;
    // Whatever ends the injector (an error, a signal) must not leave its agent running.
    lifetime.defer('the agent', () =>
      isRunning(started) ? terminate(started, RESTART_GRACE_MS) : undefined,
    );
    const status = await run.exited;
    await Promise.all(run.piped);
    if (restarting !== started) return status;
  }
}

/**
 * Copies `from` into `to` through a scanner of its own over the shared `dictionary` (not ending
 * `to`: it is ours, not the child's).
 */
function relay(from: Readable, dictionary: RedactionDictionary, to: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const transform = redactingStream(new RedactionScanner(dictionary));
    // Where `to` can take no more (its reader went away: `| head -1`), the agent's output is no
    // longer read: like any writer in a pipeline, it gets EPIPE or SIGPIPE at its next write and
    // ends as it would without us, rather than running on unsupervised or blocking for ever.
    const unwritable = () => {
      transform.unpipe(to as Writable);
      from.destroy();
      resolve();
    };
    to.once('error', unwritable);
    const done = () => {
      to.off('error', unwritable);
      resolve();
    };
    from.pipe(transform).pipe(to, { end: false });
    transform.on('end', done);
    transform.on('error', done);
  });
}

/** The child's exit status as a shell reports it; 127/126 when it could not be started. */
function exitStatus(
  child: ChildProcess,
  command: string,
  log: (level: 'ERROR', message: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      const status = error.code === 'ENOENT' ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
      const reason =
        error.code === 'ENOENT' ? 'command not found' : `cannot be started (${error.code ?? error.message})`;
      log('ERROR', `${command}: ${reason}`);
      resolve(status);
    });
    child.once('exit', (code, signal) => {
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

/** Whether `child` was started and has not exited (nor failed to start). */
function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** SIGTERM, then SIGKILL after `graceMs` if it is still running. */
async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
