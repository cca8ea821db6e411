/**
 * Expiry and rotation settings in the library (issue 15): `readSecret` tells a reader what it
 * serves is expired; `updateSecret` without a value changes only the settings, sealing the same
 * value again as a new version (settings are bound to the ciphertext), also when a value update
 * races it; `expiresInSeconds` counts from the library's clock; one duration parser for the CLI
 * and the API.
 */
import { describe, expect, it } from 'vitest';
import { parseDuration, rotationNotice, worstRotationStatus } from './index.js';
import { fileManager, memoryManager } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';
const START = new Date('2026-01-01T00:00:00Z');

describe('readSecret', () => {
  it('hands out an expired value with its status, audited as one READ like getSecret', async () => {
    let now = START;
    const manager = await memoryManager({ clock: () => now });
    await manager.createSecret('KEY', VALUE, 'production', { expiresInSeconds: 86_400 });
    now = new Date('2026-01-03T00:00:00Z');
    const secret = await manager.readSecret('KEY', 'agent', { environment: 'production' });
    expect(secret.value).toBe(VALUE);
    expect(secret.rotationStatus).toBe('expired');
    expect(secret.expiresAt).toEqual(new Date('2026-01-02T00:00:00Z'));
    expect(JSON.stringify(secret)).not.toContain(VALUE);
    expect(rotationNotice(secret)).toEqual({
      level: 'WARN',
      message:
        'KEY (production) expired at 2026-01-02T00:00:00Z; served anyway: rotate it and set a new expiry',
    });
    const masked = await manager.readSecret('KEY', 'viewer', { environment: 'production' });
    expect(masked.value).toBeUndefined();
    expect(masked.valueMasked).toBe('sk-proj-ab...789');
    expect(await manager.getSecret('KEY', 'viewer', { environment: 'production' })).toBe('sk-proj-ab...789');
    const reads = (await manager.auditLog({ secretName: 'KEY' })).filter((e) => e.operation === 'READ');
    expect(reads).toHaveLength(3);
  });
});

describe('updateSecret without a value', () => {
  it('changes only the settings: same value, next version, an UPDATE, updatedAt kept; null clears', async () => {
    let now = START;
    const manager = await memoryManager({ clock: () => now });
    await manager.createSecret('KEY', VALUE, 'production', { rotateEverySeconds: 86_400 });
    now = new Date('2026-01-05T00:00:00Z');
    const updated = await manager.updateSecret('KEY', undefined, {
      environment: 'production',
      expiresInSeconds: 3600,
    });
    expect(updated).toMatchObject({
      name: 'KEY',
      environment: 'production',
      updatedAt: START,
      expiresAt: new Date('2026-01-05T01:00:00Z'),
      rotateEverySeconds: 86_400,
      rotationStatus: 'due',
    });
    expect(updated.value).toBeUndefined();
    expect(await manager.getSecret('KEY', 'admin', { environment: 'production' })).toBe(VALUE);
    const cleared = await manager.updateSecret('KEY', undefined, {
      expiresAt: null,
      rotateEverySeconds: null,
    });
    expect(cleared).toMatchObject({ expiresAt: null, rotateEverySeconds: null, rotationStatus: 'ok' });
    const writes = (await manager.auditLog({ secretName: 'KEY' })).filter((e) => e.operation !== 'READ');
    expect(writes.map((e) => [e.operation, e.secretVersion])).toEqual([
      ['CREATE', 1],
      ['UPDATE', 2],
      ['UPDATE', 3],
    ]);
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });

  it('refuses nothing to change, and a viewer or agent like any write (audited)', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', VALUE, 'production');
    await expect(manager.updateSecret('KEY', undefined, { environment: 'production' })).rejects.toMatchObject(
      {
        code: 'INVALID_ARGUMENT',
      },
    );
    for (const requester of ['viewer', 'agent'] as const) {
      await expect(
        manager.updateSecret('KEY', undefined, {
          requester,
          environment: 'production',
          rotateEverySeconds: 60,
        }),
      ).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    }
    const refused = (await manager.auditLog({ secretName: 'KEY' })).filter((e) => !e.success);
    expect(refused.map((e) => e.operation)).toEqual(['UPDATE', 'UPDATE']);
    await expect(
      manager.updateSecret('KEY', undefined, {
        expiresAt: new Date(Date.now() + 60_000),
        expiresInSeconds: 60,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    for (const expiresInSeconds of [0, -1, 1.5, 1e12, Number.NaN]) {
      await expect(manager.updateSecret('KEY', undefined, { expiresInSeconds })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
  });

  it('racing a value update never puts the old value back, and both writes land', async () => {
    const { manager } = await fileManager();
    await manager.createSecret('KEY', 'value-0-abcdef', 'production');
    for (let round = 1; round <= 8; round += 1) {
      // The settings-only write opens the value it re-seals; if the value update commits in
      // between, its version check fails and it opens the new value on its next attempt.
      await Promise.all([
        manager.updateSecret('KEY', undefined, { environment: 'production', rotateEverySeconds: 60 * round }),
        manager.updateSecret('KEY', `value-${round}-abcdef`, { environment: 'production' }),
      ]);
      expect(await manager.getSecret('KEY', 'admin', { environment: 'production' })).toBe(
        `value-${round}-abcdef`,
      );
      const [listed] = await manager.listSecrets('admin', 'production');
      expect(listed!.rotateEverySeconds).toBe(60 * round);
    }
    const updates = (await manager.auditLog({ secretName: 'KEY' })).filter((e) => e.operation === 'UPDATE');
    expect(updates.map((e) => e.secretVersion)).toEqual([...Array(16).keys()].map((i) => i + 2));
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });
});

describe('parseDuration', () => {
  it.each([
    ['45s', 45],
    ['90d', 7_776_000],
    ['2w', 1_209_600],
    ['1h30m', 5400],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseDuration(text, 'expires_in')).toBe(seconds);
  });

  it.each(['', '0s', '-1h', '1e9d', '999999999w', '90 d', ' 90d', '1.5h', '١d', 'x'.repeat(100)])(
    'refuses %j as INVALID_ARGUMENT naming the field',
    (text) => {
      expect(() => parseDuration(text, 'rotate_every')).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: expect.stringContaining('rotate_every'),
        }),
      );
    },
  );

  it('the worst status of a listing', () => {
    expect(worstRotationStatus([])).toBe('ok');
    expect(worstRotationStatus(['ok', 'due', 'ok'])).toBe('due');
    expect(worstRotationStatus(['due', 'expired', 'ok'])).toBe('expired');
  });
});
