import { defineConfig } from 'vitest/config';

/**
 * Every package's tests once, and the storage and core suites a second time against PostgreSQL:
 * one parameterised suite per package, not two copies (see packages/storage/src/testing.ts).
 */
const onPostgres = (pkg: 'storage' | 'core') => ({
  extends: `./packages/${pkg}/vitest.config.ts`,
  root: `./packages/${pkg}`,
  test: {
    name: `secrets-${pkg} (postgres)`,
    env: { IRON_TEST_BACKEND: 'postgres' },
    // The SQLite adapter's own tests (file modes, WAL) have nothing to say about PostgreSQL.
    exclude: ['**/node_modules/**', 'src/sqlite/**'],
  },
});

export default defineConfig({
  test: {
    projects: ['packages/*', 'tools/*', 'apps/*', onPostgres('storage'), onPostgres('core')],
    reporters: ['default', './vitest.summary-reporter.ts'],
  },
});
