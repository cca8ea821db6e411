/**
 * @module main
 * The `iron-secrets` executable: runs the program on the process's arguments and streams.
 */
import { takeHandover } from './lib/environment-handover.js';
import { processIo } from './lib/io.js';
import { run } from './program.js';

// Node opens its inspector (a debugger on 127.0.0.1:9229, with every key in reach) on SIGUSR1
// unless the process listens for it: any process of the same user, an agent we run first of all,
// could send it. Nothing of ours uses SIGUSR1, so it is listened for and ignored, first thing.
process.on('SIGUSR1', () => {});

// The keys bin/iron-secrets moved out of our initial environment (see environment-handover).
takeHandover(process.env);

// The exit status is set, not forced with process.exit(): output still being flushed to a pipe
// would be cut off.
process.exitCode = await run(process.argv.slice(2), processIo());
