/**
 * Review of issue 15 (attack, as a new user): the panel's audit tab says it filters by
 * `master-key` or `token:<id>` (c20c5ad), but it always sends the environment selector's value,
 * and those entries have no environment: the filter can never show one. Drives the real panel in
 * Chromium, as panel.test.ts does.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { SecretsManager } from '@iron/secrets-core';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';

let browser: Browser;
let server: RunningServer;
let manager: SecretsManager;
let admin: string;
let viewerId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing`);
  manager = await SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
  });
  admin = (await manager.createToken({ role: 'admin' })).token;
  viewerId = (await manager.createToken({ role: 'viewer' })).id;
  await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abc123def456ghi789', 'production');
  server = await startServer({ manager, port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await manager?.close();
});

describe('review: the panel filters the audit tab by token:<id>', () => {
  it("shows the token's creation when filtered by token:<id>", async () => {
    // The library has the entry.
    expect(await manager.auditLog({ secretName: `token:${viewerId}` })).toHaveLength(1);
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.fill('#token', admin);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('#secrets tbody tr');
    await page.click('#tab-audit');
    await page.waitForSelector('#audit tbody tr');
    await page.fill('#audit-secret', `token:${viewerId}`);
    await page.click('#audit-filters button[type=submit]');
    await expect.poll(() => page.locator('#audit tbody tr').count(), { timeout: 5_000 }).toBe(1);
    expect(await page.textContent('#audit tbody')).toContain(`token:${viewerId}`);
  }, 60_000);
});
