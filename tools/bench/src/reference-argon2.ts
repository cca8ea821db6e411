/**
 * @module reference-argon2
 * Loading `argon2`, the reference C implementation's Node binding, for comparison. Its bundled
 * prebuilt binary crashes the process on load on Debian 12 (glibc 2.36), and a crash cannot be
 * caught, so it is first loaded in a child process; if that child dies, the binding is compiled
 * from source with the node-gyp that npm ships (about 15 s, once), as better-sqlite3 is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

type Argon2Binding = typeof import('argon2');

function loadsInChild(): boolean {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('argon2'))})`], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

function nodeGyp(): string | undefined {
  const npm = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  return existsSync(npm) ? npm : undefined;
}

/**
 * node-gyp's `--nodedir` arguments: the Node headers installed next to this Node (a distribution's
 * package puts them in `<prefix>/include/node`). Without them node-gyp downloads headers, which
 * cannot work here; under `pnpm` the user's `nodedir` setting arrives as `npm_config_nodedir`, but
 * `node tools/bench/dist/main.js` run directly has no such variable.
 */
function nodeDirArguments(): string[] {
  if (process.env.npm_config_nodedir) return [];
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_version.h')) ? [`--nodedir=${prefix}`] : [];
}

/** The binding, or why it is not available on this machine. */
export async function referenceArgon2(
  log: (line: string) => void,
): Promise<Argon2Binding | { unavailable: string }> {
  if (!loadsInChild()) {
    const gyp = nodeGyp();
    if (!gyp)
      return { unavailable: 'its prebuilt binary crashes on load and node-gyp was not found to build it' };
    log('argon2: the bundled binary crashes on load here; compiling it from source (once)...');
    const packageDirectory = dirname(require.resolve('argon2/package.json'));
    try {
      execFileSync(process.execPath, [gyp, 'rebuild', ...nodeDirArguments()], {
        cwd: packageDirectory,
        stdio: 'ignore',
      });
    } catch {
      return { unavailable: 'its prebuilt binary crashes on load and building it from source failed' };
    }
    if (!loadsInChild()) return { unavailable: 'it crashes on load even when built from source' };
  }
  return (await import('argon2')).default as unknown as Argon2Binding;
}
