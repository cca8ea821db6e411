import { defineProject, mergeConfig } from 'vitest/config';
import { packageProject } from '../../vitest.shared.ts';

/**
 * The reliability suite. Its files run one at a time (they kill processes, hold databases busy and
 * time things); the leak scan runs after all of them, in the global teardown.
 */
export default mergeConfig(
  packageProject('reliability'),
  defineProject({
    test: {
      globalSetup: ['./src/leak-scan.global.ts'],
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 60_000,
    },
  }),
);
