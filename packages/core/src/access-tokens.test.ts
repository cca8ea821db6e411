import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileManager, memoryManager } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

describe('access tokens', () => {
  it('mints a 256-bit token shown once, stored only as a hash, and authenticates it to its scope', async () => {
    const manager = await memoryManager({ clock: () => new Date('2026-01-01T00:00:00Z') });
    const created = await manager.createToken({
      role: 'agent',
      environments: ['production'],
      agentId: 'lead-bot',
      secrets: ['OPENAI_*'],
      requester: { role: 'admin', id: 'alice' },
    });
    expect(created.token).toMatch(/^iron_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(`iron_${created.id}_`)).toBe(true);
    expect(Buffer.from(created.token.split('_').slice(2).join('_'), 'base64url')).toHaveLength(32);
    expect(created).toMatchObject({ role: 'agent', createdBy: 'alice', status: 'active', revokedAt: null });

    const requester = await manager.authenticateToken(created.token);
    expect(requester).toEqual({
      role: 'agent',
      id: created.id,
      agentId: 'lead-bot',
      environments: ['production'],
      secrets: ['OPENAI_*'],
    });
    await manager.createSecret('OPENAI_API_KEY', VALUE, 'production');
    await manager.createSecret('STRIPE_KEY', VALUE, 'production');
    expect(await manager.getSecret('OPENAI_API_KEY', requester)).toBe(VALUE);
    await expect(manager.getSecret('STRIPE_KEY', requester)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });

    const listed = await manager.listTokens();
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(18));
    expect(listed[0]).not.toHaveProperty('token');
  });

  it('refuses malformed, unknown, tampered, revoked and expired tokens alike as INVALID_TOKEN', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const manager = await memoryManager({ clock: () => now });
    const { token, id } = await manager.createToken({
      role: 'viewer',
      expiresAt: new Date('2026-01-02T00:00:00Z'),
    });
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [
      '',
      'Bearer x',
      'iron_',
      flipped,
      `iron_000000000000_${token.slice(18)}`,
      'x'.repeat(10_000),
    ]) {
      await expect(manager.authenticateToken(bad)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    }
    await expect(manager.authenticateToken(42 as never)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    now = new Date('2026-01-03T00:00:00Z');
    await expect(manager.authenticateToken(token)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      message: expect.stringContaining('expired'),
    });
    expect((await manager.listTokens())[0]!.status).toBe('expired');
    expect(await manager.revokeToken(id)).toBe('revoked');
    expect((await manager.listTokens())[0]!.status).toBe('revoked');
  });

  it('revokes: refused at once, audited; revoking again changes nothing; unknown ids are TOKEN_NOT_FOUND', async () => {
    const manager = await memoryManager();
    const { token, id } = await manager.createToken({
      role: 'admin',
      requester: { role: 'admin', id: 'alice' },
    });
    expect(await manager.revokeToken(id, { requester: { role: 'admin', id: 'bob' } })).toBe('revoked');
    await expect(manager.authenticateToken(token)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      message: expect.stringContaining('revoked'),
    });
    expect(await manager.revokeToken(id)).toBe('already-revoked');
    await expect(manager.revokeToken('0123456789ab')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    await expect(manager.revokeToken(token)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.not.stringContaining(token),
    });
    const trail = await manager.auditLog();
    expect(trail.map((e) => [e.operation, e.secretName, e.requesterId, e.success])).toEqual([
      ['CREATE', `token:${id}`, 'alice', true],
      ['DELETE', `token:${id}`, 'bob', true],
      // The revoked token's use: an attempt on an existing identity is audited (issue 14).
      ['READ', `token:${id}`, id, false],
      ['DELETE', 'token:0123456789ab', null, false],
    ]);
    expect(JSON.stringify(trail)).not.toContain(token);
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });

  it('only an unscoped admin may manage tokens; refusals are audited', async () => {
    const manager = await memoryManager();
    for (const requester of [
      'viewer',
      'agent',
      { role: 'admin', environments: ['staging'] },
      { role: 'admin', secrets: ['*'] },
    ] as const) {
      await expect(manager.createToken({ role: 'admin', requester })).rejects.toMatchObject({
        code: 'ACCESS_DENIED',
      });
      await expect(manager.listTokens({ requester })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    }
    expect(await manager.listTokens()).toEqual([]);
    expect((await manager.auditLog()).every((e) => !e.success && e.operation === 'CREATE')).toBe(true);
  });

  it('refuses scopes that make no sense', async () => {
    const manager = await memoryManager();
    const bad = [
      { role: 'agent' },
      { role: 'agent', environments: [] },
      { role: 'root' },
      { role: 'viewer', environments: ['prod'] },
      { role: 'viewer', secrets: ['A B'] },
      { role: 'viewer', secrets: [] },
      { role: 'viewer', expiresAt: new Date(0) },
      { role: 'viewer', expiresAt: new Date(Number.NaN) },
    ];
    for (const options of bad) {
      await expect(manager.createToken(options as never)).rejects.toMatchObject({
        code: expect.stringMatching(/INVALID_ARGUMENT|INVALID_REQUESTER/),
      });
    }
    expect(await manager.listTokens()).toEqual([]);
  });
});

describe('a token row edited in the database, without the master key', () => {
  it.each([
    ['widened to admin', "role = 'admin'"],
    ['re-scoped to every environment', 'environments = NULL'],
    ['given every secret', 'secret_patterns = NULL'],
    ['un-expired', 'expires_at = NULL'],
    ['given another agent id', "agent_id = 'someone-else'"],
    ['with its MAC removed', 'mac = NULL'],
  ])('is refused when %s', async (_what, assignment) => {
    const { manager, raw, dropTrigger } = await fileManager();
    const { token } = await manager.createToken({
      role: 'agent',
      environments: ['staging'],
      secrets: ['OPENAI_*'],
      agentId: 'bot',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await dropTrigger('access_tokens_only_revoke', 'access_tokens'); // as the database's owner could
    await raw(`UPDATE access_tokens SET ${assignment}`);
    await expect(manager.authenticateToken(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('is refused when un-revoked, and a minted row with a known hash is refused', async () => {
    const { manager, raw, dropTrigger } = await fileManager();
    const { id, token } = await manager.createToken({ role: 'viewer' });
    await manager.revokeToken(id);
    await dropTrigger('access_tokens_only_revoke', 'access_tokens');
    await raw('UPDATE access_tokens SET revoked_at = NULL');
    await expect(manager.authenticateToken(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });

    // A token the attacker made up, with the row our code would write but without our key.
    const forged = `iron_abcdefabcdef_${'A'.repeat(43)}`;
    const hash = createHash('sha256').update(forged).digest('hex');
    await raw(
      `INSERT INTO access_tokens (id, token_hash, role, created_at, mac) VALUES ('abcdefabcdef', $1, 'admin', 1, $2)`,
      [hash, 'f'.repeat(64)],
    );
    await expect(manager.authenticateToken(forged)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
