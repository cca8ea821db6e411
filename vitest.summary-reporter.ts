/**
 * Prints one closing line, `N passed, N failed[, N skipped]`, after the default reporter's summary,
 * so that CI logs state the count of tests in a form any tool can read.
 *
 * A test file that fails without a failed test (it throws at import or at its top level, or a
 * `beforeAll` throws, as when Chromium is missing) counts as one failure, and so does each error
 * vitest reports outside any test: a run that fails never closes with `0 failed`.
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') failedTests += 1;
        else counts.skipped += 1;
      }
      counts.failed += failedTests > 0 ? failedTests : module.state() === 'failed' ? 1 : 0;
    }
    counts.failed += unhandledErrors.length;
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${skipped}\n`);
  }
}
