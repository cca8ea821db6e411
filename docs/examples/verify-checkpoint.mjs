// Checks, without the master key, that exported audit entries extend a signed checkpoint.
// Usage: node verify-checkpoint.mjs audit-key.pem checkpoint.json entries.json
// (entries.json: `iron-secrets audit --json --limit 10000`; audit-key.pem: kept from `audit public-key`.)
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [pemFile, checkpointFile, entriesFile] = process.argv.slice(2);
const key = createPublicKey(readFileSync(pemFile));
const cp = JSON.parse(readFileSync(checkpointFile, 'utf8'));
const fail = (why) => {
  console.error(`NOT VERIFIED: ${why}`);
  process.exit(1);
};
if (key.export({ format: 'der', type: 'spki' }).toString('base64') !== cp.publicKey)
  fail('signed by another key');
const signed = `iron-secrets/audit-checkpoint/v1\n${JSON.stringify([
  cp.kind,
  cp.entries,
  cp.lastId,
  cp.headHash,
  cp.headDigest,
  cp.time,
  cp.publicKey,
  cp.nextPublicKey,
])}`;
if (!verify(null, Buffer.from(signed), key, Buffer.from(cp.signature, 'base64'))) fail('bad signature');
const entries = JSON.parse(readFileSync(entriesFile, 'utf8')).filter((e) => e.id >= cp.lastId);
if (entries[0]?.id !== cp.lastId || entries[0].digest !== cp.headDigest || entries[0].hash !== cp.headHash)
  fail(`entry ${cp.lastId} is missing or is not the one the checkpoint signed`);
for (const [i, e] of entries.entries()) {
  if (i === 0) continue;
  const p = entries[i - 1];
  const fields = [
    p.digest,
    Date.parse(e.timestamp) / 1000,
    e.operation,
    e.secret_name,
    e.environment,
    e.requester_role,
    e.agent_id,
    e.requester_id,
    e.success,
    e.error_message,
    e.secret_version,
    e.hash,
  ];
  // What a READ handed out (0.3.1) is a 13th element, only when the entry records one.
  if (e.disclosure != null) fields.push(e.disclosure);
  const bytes = `iron-secrets/audit-digest/v1\n${JSON.stringify(fields)}`;
  if (e.prev_hash !== p.hash || e.digest !== createHash('sha256').update(bytes).digest('hex'))
    fail(`entry ${e.id}`);
}
console.log(`verified: entries ${cp.lastId}..${entries.at(-1).id} extend the checkpoint of ${cp.time}`);
