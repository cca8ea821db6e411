import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryManager } from './test-support.js';

describe('names and values are checked before anything is written', () => {
  it.each([
    ['', 'empty'],
    ['1KEY', 'leading digit'],
    ['MY-KEY', 'dash'],
    ['MY KEY', 'space'],
    ['KEY;DROP TABLE secrets', 'SQL'],
    ["K'--", 'quote'],
    ['KÉY', 'non-ASCII'],
    ['KEY\0', 'NUL'],
    ['A'.repeat(257), 'too long'],
  ])('refuses the name %j (%s)', async (name) => {
    const manager = await memoryManager();
    await expect(manager.createSecret(name, 'value-1', 'production')).rejects.toMatchObject({
      code: 'INVALID_SECRET_NAME',
    });
    expect(await manager.auditLog()).toEqual([]);
  });

  it('accepts the longest name and underscores', async () => {
    const manager = await memoryManager();
    await manager.createSecret('A'.repeat(256), 'value-1', 'production');
    await manager.createSecret('_private_KEY_2', 'value-2', 'production');
    expect((await manager.listSecrets('admin', 'production')).map((s) => s.name.length)).toEqual([256, 14]);
  });

  it.each([
    ['', 'empty'],
    ['bad\0value', 'NUL'],
    ['\uD800lonely', 'unpaired surrogate'],
  ])('refuses the value %j (%s)', async (value) => {
    const manager = await memoryManager();
    await expect(manager.createSecret('KEY', value, 'production')).rejects.toMatchObject({
      code: 'INVALID_SECRET_VALUE',
    });
  });

  it('refuses values over 64 KiB of UTF-8 by default, and the limit is configurable', async () => {
    const manager = await memoryManager();
    await manager.createSecret('MAX', 'x'.repeat(64 * 1024), 'production');
    await expect(manager.createSecret('OVER', 'é'.repeat(32 * 1024 + 1), 'production')).rejects.toMatchObject(
      {
        code: 'INVALID_SECRET_VALUE',
        message: expect.stringContaining('65538 bytes'),
      },
    );
    const small = await memoryManager({ maxValueBytes: 10 });
    await expect(small.createSecret('K', 'eleven-char', 'production')).rejects.toMatchObject({
      code: 'INVALID_SECRET_VALUE',
    });
    await expect(small.updateSecret('K', 'eleven-char')).rejects.toMatchObject({
      code: 'INVALID_SECRET_VALUE',
    });
  });

  it('refuses non-string arguments from untyped callers', async () => {
    const manager = await memoryManager();
    await expect(manager.createSecret(42 as never, 'v', 'production')).rejects.toMatchObject({
      code: 'INVALID_SECRET_NAME',
    });
    await expect(manager.createSecret('K', { value: 1 } as never, 'production')).rejects.toMatchObject({
      code: 'INVALID_SECRET_VALUE',
    });
    await expect(manager.createSecret('K', 'value-1', null as never)).rejects.toMatchObject({
      code: 'INVALID_ENVIRONMENT',
    });
  });

  it('round-trips any well-formed value (property)', async () => {
    const manager = await memoryManager();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), async (value) => {
        fc.pre(!value.includes('\0'));
        n += 1;
        await manager.createSecret(`K_${n}`, value, 'development');
        expect(await manager.getSecret(`K_${n}`, 'agent', { environment: 'development' })).toBe(value);
      }),
      { numRuns: 30 },
    );
  });
});
