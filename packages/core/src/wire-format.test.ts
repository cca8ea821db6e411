import { describe, expect, it } from 'vitest';
import { memoryManager } from './test-support.js';
import { auditEntryJson, isoSeconds, secretJson } from './wire-format.js';

describe('wire format', () => {
  it('times are ISO 8601 UTC to the second', () => {
    expect(isoSeconds(new Date('2026-11-23T19:43:49.123Z'))).toBe('2026-11-23T19:43:49Z');
    expect(isoSeconds(null)).toBeNull();
  });

  it('a listed secret carries its value only where the library handed it out', async () => {
    const manager = await memoryManager({ clock: () => new Date('2026-11-23T19:43:49.500Z') });
    await manager.createSecret('KEY', 'sk-proj-abc123def456ghi789', 'production', { rotateEverySeconds: 60 });
    const [masked] = await manager.listSecrets('viewer', 'production');
    expect(secretJson(masked!)).toEqual({
      name: 'KEY',
      environment: 'production',
      value_masked: 'sk-proj-ab...789',
      created_at: '2026-11-23T19:43:49Z',
      updated_at: '2026-11-23T19:43:49Z',
      expires_at: null,
      rotate_every_seconds: 60,
      rotation_due_at: '2026-11-23T19:44:49Z',
      rotation_status: 'ok',
    });
    const [full] = await manager.listSecrets('agent', 'production');
    expect(secretJson(full!).value).toBe('sk-proj-abc123def456ghi789');
    const entries = (await manager.auditLog()).map(auditEntryJson);
    expect(entries[0]).toMatchObject({
      operation: 'CREATE',
      secret_name: 'KEY',
      timestamp: '2026-11-23T19:43:49Z',
    });
    expect(JSON.stringify(entries)).not.toContain('sk-proj');
  });
});
