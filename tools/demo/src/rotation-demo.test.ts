import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRotationDemo } from './rotation-demo.js';

describe('the quick-start demo (Demo Trigger #4)', () => {
  it('rotates the agent key while it runs: same PID, rotation logged, nothing leaked, trail verified', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'iron-demo-test-'));
    const lines: string[] = [];
    try {
      expect(await runRotationDemo(directory, (line) => lines.push(line))).toBe(true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    const output = lines.join('\n');
    expect(output).toContain('INFO Secret rotated: OPENAI_API_KEY (no restart required)');
    expect(output).not.toMatch(/✗/);
    expect(output).not.toMatch(/sk-proj-demo-(a1b2c3|f9e8d7)/);
  }, 60_000);
});
