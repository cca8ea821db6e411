/**
 * @module main
 * The `iron-secrets` executable: runs the program on the process's arguments and streams.
 */
import { takeHandover } from './lib/environment-handover.js';
import { processIo } from './lib/io.js';
import { run } from './program.js';

// The keys bin/iron-secrets moved out of our initial environment (see environment-handover).
takeHandover(process.env);

// The exit status is set, not forced with process.exit(): output still being flushed to a pipe
// would be cut off.
process.exitCode = await run(process.argv.slice(2), processIo());
