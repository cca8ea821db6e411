#!/usr/bin/env node
// The installed command: the compiled program does the work (apps/cli/src/main.ts).
import module from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

// Node >= 22.1 can keep the compiled code of the modules it loads on disk and reuse it on the next
// start (module.enableCompileCache); Node 20 has no such function, and this does nothing there. The
// cache lives in the user's own cache directory, not in the shared /tmp Node picks by default: a
// code cache another user could write to would be code run with the master key in reach.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
if (typeof module.enableCompileCache === 'function') {
  try {
    const xdg = process.env.XDG_CACHE_HOME;
    const cacheHome = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
    module.enableCompileCache(join(cacheHome, 'iron-secrets', 'node-compile-cache'));
  } catch {
    // A cache is an optimisation: without one the command runs as before.
  }
}

// Imported after the cache is on, so that the program's modules are compiled through it.
await import('../dist/main.js');
