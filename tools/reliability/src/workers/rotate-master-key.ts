/**
 * A master-key rotation for the master-key test to kill: prints `rotating`, rotates to
 * IRON_CAGE_NEW_MASTER_KEY, prints `rotated`. Environment: IRON_SECRETS_DB, IRON_CAGE_MASTER_KEY,
 * IRON_CAGE_NEW_MASTER_KEY.
 */
import { writeSync } from 'node:fs';
import { SecretsManager } from '@iron/secrets-core';

const manager = await SecretsManager.open({ database: process.env.IRON_SECRETS_DB!, env: process.env });
writeSync(1, 'rotating\n');
await manager.rotateMasterKey(process.env.IRON_CAGE_NEW_MASTER_KEY!);
writeSync(1, 'rotated\n');
await manager.close();
