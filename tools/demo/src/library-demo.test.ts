import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from './library-demo.js';

describe('the quick-start demo', () => {
  it('creates, reads, rotates and lists, prints the audit trail, and never prints a value', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'iron-demo-test-'));
    const lines: string[] = [];
    try {
      expect(await runDemo(join(directory, 'secrets.db'), (line) => lines.push(line))).toBe(true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    const output = lines.join('\n');
    expect(output).toContain('value changed: true');
    expect(output).toContain('viewer asks to reveal -> ACCESS_DENIED');
    expect(output).toContain('-> ACCESS_DENIED');
    expect(output).toMatch(/UPDATE\s+OPENAI_API_KEY/);
    expect(output).toContain('Audit chain verification: intact');
    for (const value of [
      'sk-proj-demo-abc123def456ghi789',
      'demo-password',
      'sk-proj-NEW-abc123def456xyz999',
      'sk-proj-dev-000111222333444555',
    ]) {
      expect(output).not.toContain(value);
    }
  });
});
