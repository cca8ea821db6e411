/**
 * @module demo
 * The quick start: an admin stores an agent's credentials, the agent reads them, the admin
 * rotates one, a viewer looks at the dashboard view, and an auditor reads and verifies the trail.
 * Everything runs on the embedded default (one SQLite file) with a throw-away key.
 */
import { randomBytes } from 'node:crypto';
import { maskSecret, SecretsManager } from '@iron/secrets-core';

/** Where the demo writes its lines. */
export type Print = (line: string) => void;

/**
 * Plays the demo against a database file; returns whether the audit chain verified.
 * Values are never printed: only masked forms and names.
 */
export async function runDemo(database: string, print: Print): Promise<boolean> {
  // A throw-away master key: in real use it comes from IRON_CAGE_MASTER_KEY.
  const masterKey = randomBytes(32).toString('base64');
  const manager = await SecretsManager.open({ database, masterKey });
  try {
    print(`Embedded database: ${database}`);
    print('');
    print('1. An admin stores the agent’s credentials (encrypted: AES-256-GCM, Argon2id per-secret keys)');
    await manager.createSecret('OPENAI_API_KEY', 'sk-proj-demo-abc123def456ghi789', 'production', {
      rotateEverySeconds: 30 * 86_400,
    });
    await manager.createSecret(
      'DATABASE_URL',
      'postgres://leads:demo-password@db.internal/leads',
      'production',
    );
    await manager.createSecret('OPENAI_API_KEY', 'sk-proj-dev-000111222333444555', 'development');
    print('   created OPENAI_API_KEY and DATABASE_URL in production, OPENAI_API_KEY in development');

    print('');
    print('2. The agent "lead-bot" reads everything in production (full values, audited per secret)');
    const agent = { role: 'agent', agentId: 'lead-bot', environments: ['production'] } as const;
    const injected = await manager.listSecrets(agent, 'production');
    for (const secret of injected) {
      print(
        `   ${secret.name.padEnd(16)} = ${secret.valueMasked}   (the agent holds the full value; shown masked here)`,
      );
    }

    print('');
    print('3. The admin rotates OPENAI_API_KEY; the agent reads the new value');
    const before = await manager.getSecret('OPENAI_API_KEY', agent);
    await manager.updateSecret('OPENAI_API_KEY', 'sk-proj-NEW-abc123def456xyz999', {
      environment: 'production',
    });
    const after = await manager.getSecret('OPENAI_API_KEY', agent);
    print(`   value changed: ${before !== after}; the agent now sees ${maskSecret(after)}`);

    print('');
    print('4. A viewer opens the dashboard: masked values only, and revealing is refused');
    for (const secret of await manager.listSecrets('viewer', 'production')) {
      print(
        `   ${secret.name.padEnd(16)} ${secret.valueMasked.padEnd(20)} rotation: ${secret.rotationStatus}`,
      );
    }
    const refused = await manager
      .listSecrets('viewer', 'production', { reveal: true })
      .catch((error: { code: string }) => error.code);
    print(`   viewer asks to reveal -> ${refused}`);

    print('');
    print('5. The production agent tries to read a development secret');
    const denied = await manager
      .getSecret('OPENAI_API_KEY', agent, { environment: 'development' })
      .catch((error: { code: string }) => error.code);
    print(`   -> ${denied}`);

    print('');
    print('6. The audit trail (oldest first; values never appear in it)');
    print(
      `   ${'#'.padStart(3)}  ${'operation'.padEnd(9)} ${'secret'.padEnd(16)} ${'environment'.padEnd(12)} ${'role'.padEnd(7)} ${'agent'.padEnd(9)} result`,
    );
    for (const entry of await manager.auditLog()) {
      const result = entry.success ? 'ok' : `FAILED (${entry.errorMessage?.split(':')[0]})`;
      print(
        `   ${String(entry.id).padStart(3)}  ${entry.operation.padEnd(9)} ${entry.secretName.padEnd(16)} ${(entry.environment ?? '-').padEnd(12)} ${entry.requesterRole.padEnd(7)} ${(entry.agentId ?? '-').padEnd(9)} ${result}`,
      );
    }
    const verification = await manager.verifyAuditLog();
    print('');
    print(
      `7. Audit chain verification: ${verification.ok ? 'intact' : `BROKEN at entry ${verification.firstBadId}`} (${verification.entries} entries)`,
    );
    return verification.ok;
  } finally {
    await manager.close();
  }
}
