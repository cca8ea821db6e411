import { defineProject } from 'vitest/config';

/**
 * The one vitest setup every package shares: tests run against TypeScript source through the
 * `dev-source` export condition, so no build is needed before `vitest`.
 */
export function packageProject(name: string) {
  return defineProject({
    resolve: { conditions: ['dev-source'] },
    ssr: { resolve: { conditions: ['dev-source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
    },
  });
}
