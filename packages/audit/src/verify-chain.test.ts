import { createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditRecord, GENESIS_HASH, type StoredAuditEntry } from './audit-entry.js';
import { type ChainLink, chainAuditRecord, hashAuditRecord } from './chain.js';
import { digestAuditEntry } from './digest.js';
import { AuditChainVerifier, verifyAuditChain } from './verify-chain.js';

const key = randomBytes(32);

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    timestamp: 1_700_000_000,
    operation: 'READ',
    secretName: 'OPENAI_API_KEY',
    environment: 'production',
    requesterRole: 'agent',
    agentId: 'lead-bot',
    requesterId: null,
    success: true,
    errorMessage: null,
    secretVersion: 3,
    disclosure: null,
    ...overrides,
  };
}

function chain(records: AuditRecord[], firstId = 1, prevHash = GENESIS_HASH): StoredAuditEntry[] {
  const entries: (StoredAuditEntry & { digest: string })[] = [];
  for (const [index, r] of records.entries()) {
    const chained = chainAuditRecord(key, r, entries.at(-1) ?? { hash: prevHash, digest: prevHash });
    entries.push({ ...chained, id: firstId + index });
  }
  return entries;
}

const log = chain([
  record({ operation: 'CREATE', requesterRole: 'admin', agentId: null }),
  record({ disclosure: 'value' }),
  record({ operation: 'UPDATE', requesterRole: 'admin', agentId: null }),
  record({ success: false, errorMessage: 'access denied' }),
]);

describe('audit hash chain', () => {
  it('verifies an intact chain', () => {
    expect(verifyAuditChain(key, log)).toEqual({ ok: true, entries: 4 });
    expect(verifyAuditChain(key, [])).toEqual({ ok: true, entries: 0 });
  });

  it('starts from the genesis hash', () => {
    expect(log[0]!.prevHash).toBe(GENESIS_HASH);
    expect(log[1]!.prevHash).toBe(log[0]!.hash);
  });

  it.each([
    ['timestamp', 1_700_000_001],
    ['operation', 'DELETE'],
    ['secretName', 'OTHER'],
    ['environment', 'staging'],
    ['environment', null],
    ['requesterRole', 'admin'],
    ['agentId', 'someone-else'],
    ['requesterId', 'token-1'],
    ['success', false],
    ['errorMessage', 'edited'],
    ['secretVersion', 2],
    ['secretVersion', null],
    ['disclosure', 'masked'],
    ['disclosure', 'none'],
    ['disclosure', null],
  ] as const)('detects an edited %s', (field, value) => {
    const edited = log.map((entry, index) => (index === 1 ? { ...entry, [field]: value } : entry));
    expect(verifyAuditChain(key, edited)).toMatchObject({
      ok: false,
      firstBadId: 2,
      reason: expect.stringContaining('edited'),
    });
  });

  it('detects a deleted entry', () => {
    const result = verifyAuditChain(key, [log[0]!, log[2]!, log[3]!]);
    expect(result).toMatchObject({ ok: false, firstBadId: 3, reason: expect.stringContaining('deleted') });
  });

  it('detects a deleted first entry', () => {
    expect(verifyAuditChain(key, log.slice(1))).toMatchObject({ ok: false, firstBadId: 2 });
  });

  it('detects reordered entries', () => {
    expect(verifyAuditChain(key, [log[0]!, log[2]!, log[1]!, log[3]!]).ok).toBe(false);
  });

  it('detects a rewritten history made without the chain key', () => {
    const forged = chainAuditRecord(randomBytes(32), { ...log[1]!, success: false }, log[0]! as ChainLink);
    const result = verifyAuditChain(key, [log[0]!, { ...forged, id: 2 }, ...log.slice(2)]);
    expect(result).toMatchObject({ ok: false, firstBadId: 2 });
  });

  it('verifies the rest of a pruned chain from its anchor', () => {
    const anchor = { throughId: 2, hash: log[1]!.hash, digest: log[1]!.digest };
    expect(verifyAuditChain(key, log.slice(2), anchor)).toEqual({ ok: true, entries: 2 });
    expect(verifyAuditChain(key, log.slice(3), anchor).ok).toBe(false);
  });

  it('any change to any field of any entry is detected', () => {
    fc.assert(
      fc.property(fc.nat(log.length - 1), fc.string({ minLength: 1 }), (index, text) => {
        const target = log[index]!;
        fc.pre(text !== target.secretName);
        const tampered = log.map((entry, i) => (i === index ? { ...entry, secretName: text } : entry));
        expect(verifyAuditChain(key, tampered)).toMatchObject({ ok: false, firstBadId: target.id });
      }),
    );
  });

  it('the public digest chain catches an edit of a keyed-hash-unchecked entry (keyed before a rotation)', () => {
    // An entry keyed under a rotated-away key: its hash cannot be checked, its digest still is.
    const edited = log.map((entry, index) => (index === 1 ? { ...entry, agentId: 'forger' } : entry));
    expect(verifyAuditChain(key, edited, null, { keyedAfter: 4 })).toMatchObject({
      ok: false,
      firstBadId: 2,
    });
    expect(verifyAuditChain(randomBytes(32), log, null, { keyedAfter: 4 })).toEqual({ ok: true, entries: 4 });
  });

  it('a stripped digest after stored ones is found', () => {
    const stripped = log.map((entry, index) => (index === 2 ? { ...entry, digest: null } : entry));
    expect(verifyAuditChain(key, stripped)).toMatchObject({ ok: false, firstBadId: 3 });
  });

  it('entries from before 0.3 (no stored digest, no version) verify, and their digest is still defined', () => {
    const legacy = chain([record({ secretVersion: null }), record({ secretVersion: null })]).map((entry) => ({
      ...entry,
      digest: null,
    }));
    const verifier = new AuditChainVerifier(key);
    for (const entry of legacy) expect(verifier.push(entry)).toBe(true);
    const first = digestAuditEntry(legacy[0]!, GENESIS_HASH);
    expect(verifier.position()).toEqual({
      id: 2,
      hash: legacy[1]!.hash,
      digest: digestAuditEntry(legacy[1]!, first),
    });
  });

  it('the digest is SHA-256 over the documented bytes', () => {
    const entry = log[0]!;
    const bytes = `iron-secrets/audit-digest/v1\n${JSON.stringify([
      GENESIS_HASH,
      entry.timestamp,
      entry.operation,
      entry.secretName,
      entry.environment,
      entry.requesterRole,
      entry.agentId,
      entry.requesterId,
      entry.success,
      entry.errorMessage,
      entry.secretVersion,
      entry.hash,
    ])}`;
    expect(entry.digest).toBe(createHash('sha256').update(bytes, 'utf8').digest('hex'));
  });

  it('an entry with a disclosure has it in its digest, as a 13th element', () => {
    const entry = log[1]!;
    const bytes = `iron-secrets/audit-digest/v1\n${JSON.stringify([
      log[0]!.digest,
      entry.timestamp,
      entry.operation,
      entry.secretName,
      entry.environment,
      entry.requesterRole,
      entry.agentId,
      entry.requesterId,
      entry.success,
      entry.errorMessage,
      entry.secretVersion,
      entry.hash,
      'value',
    ])}`;
    expect(entry.digest).toBe(createHash('sha256').update(bytes, 'utf8').digest('hex'));
  });

  it('the public digest chain catches a READ turned from value into masked (keyed hash unchecked)', () => {
    const edited = log.map((entry, index) =>
      index === 1 ? { ...entry, disclosure: 'masked' as const } : entry,
    );
    expect(verifyAuditChain(key, edited, null, { keyedAfter: 4 })).toMatchObject({
      ok: false,
      firstBadId: 2,
    });
  });

  it('an entry without a disclosure hashes exactly as before 0.3.1 (version 2 canonical form)', () => {
    const r = record();
    const before = createHmac('sha256', key)
      .update(
        JSON.stringify([
          2,
          GENESIS_HASH,
          r.timestamp,
          r.operation,
          r.secretName,
          r.environment,
          r.requesterRole,
          r.agentId,
          r.requesterId,
          r.success,
          r.errorMessage,
          r.secretVersion,
        ]),
      )
      .digest('hex');
    expect(hashAuditRecord(key, r, GENESIS_HASH)).toBe(before);
  });

  it('refuses a key of the wrong size', () => {
    expect(() => hashAuditRecord(new Uint8Array(16), record(), GENESIS_HASH)).toThrow(RangeError);
  });
});
