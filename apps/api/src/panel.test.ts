/**
 * The secrets panel in real Chromium (Debian's, driven by playwright-core): sign in with a token,
 * see masked values only, add, rotate, delete; a viewer sees no actions; due secrets raise an
 * alert; the audit tab verifies. A screenshot is kept in apps/api/artifacts/.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { SecretsManager } from '@iron/secrets-core';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const VALUE = 'sk-proj-abc123def456ghi789';

let browser: Browser;
let server: RunningServer;
let manager: SecretsManager;
let admin: string;
let viewer: string;
let now = Date.now();

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  manager = await SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
    clock: () => new Date(now),
  });
  admin = (await manager.createToken({ role: 'admin' })).token;
  viewer = (await manager.createToken({ role: 'viewer' })).token;
  await manager.createSecret('OPENAI_API_KEY', VALUE, 'production', { rotateEverySeconds: 60 });
  await manager.createSecret('DATABASE_URL', 'postgres://leads:pa55word-xyz@db/leads', 'production');
  now += 120_000; // OPENAI_API_KEY is now due for rotation
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

async function signIn(token: string) {
  const page = await browser.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(server.url);
  await page.fill('#token', token);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#secrets tbody tr');
  expect(await page.isVisible('#sign-in')).toBe(false);
  return page;
}

describe('the secrets panel', () => {
  it('an admin sees masked values and a due alert, adds, rotates and deletes', async () => {
    const page = await signIn(admin);
    expect(await page.textContent('#secrets tbody')).toContain('sk-proj-ab...789');
    expect(await page.textContent('#alerts')).toContain('Secret rotation due: OPENAI_API_KEY');
    expect(await page.isVisible('#add')).toBe(true);

    await page.fill('#add-name', 'NEW_KEY');
    await page.fill('#add-value', 'a-brand-new-value-42');
    await page.click('#add button[type=submit]');
    await page.waitForSelector('tr[data-name="NEW_KEY"]');
    expect(await page.inputValue('#add-value')).toBe('');

    await page.click('tr[data-name="OPENAI_API_KEY"] button:text("Rotate")');
    await page.fill('#edit-value', 'sk-proj-rotated-in-browser-1');
    await page.click('#edit-save');
    // Polled from the test, not with waitForFunction: the panel's CSP (rightly) forbids the eval
    // that waitForFunction's polling needs.
    await expect.poll(() => page.textContent('#alerts')).not.toContain('OPENAI_API_KEY');
    expect(await manager.getSecret('OPENAI_API_KEY', 'admin', { environment: 'production' })).toBe(
      'sk-proj-rotated-in-browser-1',
    );

    await page.click('tr[data-name="NEW_KEY"] button:text("Delete")');
    await page.waitForSelector('tr[data-name="NEW_KEY"]', { state: 'detached' });

    await page.click('#tab-audit');
    await page.click('#verify');
    await expect.poll(() => page.textContent('#verify-result')).toMatch(/^Intact/);
    await page.click('#tab-secrets');
    await page.waitForSelector('#secrets tbody tr');

    const html = await page.content();
    for (const value of [VALUE, 'a-brand-new-value-42', 'sk-proj-rotated-in-browser-1', 'pa55word-xyz']) {
      expect(html).not.toContain(value);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('panel.png', ARTIFACTS).pathname, fullPage: true });
    expect(await page.evaluate('Object.keys(localStorage).length')).toBe(0); // sessionStorage only
  }, 60_000);

  it('a viewer sees masked values and no actions', async () => {
    const page = await signIn(viewer);
    expect(await page.textContent('#secrets tbody')).toContain('postgres:/...ads');
    expect(await page.isVisible('#add')).toBe(false);
    expect(await page.locator('#secrets tbody button').count()).toBe(0);
    expect(await page.content()).not.toContain('pa55word-xyz');
  }, 60_000);

  it('refuses a wrong token', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.fill('#token', 'not-a-token');
    await page.click('#sign-in button[type=submit]');
    await expect.poll(() => page.textContent('#sign-in-error')).toContain('INVALID');
    expect(await page.isVisible('#panel')).toBe(false);
  }, 60_000);
});
