/**
 * What a command loads (issue 16, "the command line starts like Node"): every module is time at
 * start-up, so the API (Hono, zod), the runtime injector and the PostgreSQL adapter (`pg`) are
 * loaded only by the commands and the databases that use them. The built binary runs with a
 * module-loading hook that writes down the URL of every module Node loads through its ES module
 * loader (the packages and the entry of every CommonJS dependency they import).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './test-support.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.IRON_TEST_LOADED_MODULES, url + '\\n');
  return nextLoad(url, context);
}
`;
const REGISTER = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
`;

/** Modules no command that does not serve, run or reach PostgreSQL may load. */
const HEAVY: readonly [string, RegExp][] = [
  ['hono', /\/node_modules\/(\.pnpm\/)?hono[@/]/],
  ['zod', /\/node_modules\/(\.pnpm\/)?zod[@/]/],
  ['pg', /\/node_modules\/(\.pnpm\/)?pg[@/]/],
  ['the PostgreSQL adapter', /\/open-postgres-storage\.js$/],
  ['the API', /\/apps\/api\/|@iron\/secrets-api/],
  ['the runtime injector', /\/apps\/runtime-injector\/|@iron\/secrets-runtime/],
];

/** Runs `iron-secrets ...args` in `box` and returns the URLs of the modules it loaded. */
async function loadedBy(box: Sandbox, args: readonly string[], input?: string): Promise<string[]> {
  writeFileSync(join(box.dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(box.dir, 'register.mjs'), REGISTER);
  const list = join(box.dir, 'loaded.txt');
  writeFileSync(list, '');
  const result = await box.run(args, {
    ...(input === undefined ? {} : { input }),
    env: {
      NODE_OPTIONS: `--import ${pathToFileURL(join(box.dir, 'register.mjs')).href}`,
      IRON_TEST_LOADED_MODULES: list,
    },
  });
  expect(result).toMatchObject({ code: 0 });
  return readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

function heavyIn(loaded: readonly string[]): string[] {
  return HEAVY.filter(([, pattern]) => loaded.some((url) => pattern.test(url))).map(([name]) => name);
}

describe('start-up loads only what the command uses', () => {
  it('--version and --help load neither the API, the runtime injector nor pg', async () => {
    const box = sandbox();
    for (const args of [['--version'], ['--help']]) {
      const loaded = await loadedBy(box, args);
      // The hook saw the program itself: an empty list would prove nothing.
      expect(loaded.some((url) => /\/commander\//.test(url))).toBe(true);
      expect(heavyIn(loaded), args.join(' ')).toEqual([]);
    }
  });

  it('get of a secret on SQLite loads better-sqlite3 and nothing of the API, the injector or pg', async () => {
    const box = sandbox();
    expect((await box.run(['set', 'OPENAI_API_KEY'], { input: 'sk-lazy-123' })).code).toBe(0);
    const loaded = await loadedBy(box, ['get', 'OPENAI_API_KEY']);
    expect(loaded.some((url) => /better-sqlite3/.test(url))).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
  });
});
