/**
 * The reference page at /docs, in real Chromium under the panel's CSP: for every operation of the
 * OpenAPI document it shows the summary, the description, every status with its description, and
 * the examples, rendered by our own script (no inline script or style, no third party).
 */

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { SecretsManager } from '@iron/secrets-core';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN_KEY = 'iron-secrets-token'; // where the panel keeps its token (panel.js)

let browser: Browser;
let server: RunningServer;
let manager: SecretsManager;
let admin: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  manager = await SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
  });
  admin = (await manager.createToken({ role: 'admin' })).token;
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

// biome-ignore lint/suspicious/noExplicitAny: a JSON document, walked loosely
type Json = any;

/** Text as shown: the page renders `code` spans without their backticks. */
const plain = (text: string) => text.replaceAll('`', '');

/** The text a `<pre>` shows for an example. */
const shown = (example: unknown) =>
  typeof example === 'string' ? example : JSON.stringify(example, null, 2);

describe('the /docs page', () => {
  it('is our own page: no inline script or style, under the panel’s CSP', async () => {
    const response = await fetch(`${server.url}/docs`);
    const html = await response.text();
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son\w+=/i);
    expect(html).toContain('<script src="/panel/api-docs.js"></script>');
  });

  it('shows every operation’s summary, description, statuses and examples', async () => {
    const openapi: Json = await (
      await fetch(`${server.url}/api/openapi.json`, { headers: { authorization: `Bearer ${admin}` } })
    ).json();
    const page = await browser.newPage();
    const problems: string[] = [];
    // A CSP violation is reported on the console (the favicon's 401 is not a problem).
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(server.url);
    await page.evaluate(`sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(admin)})`);
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector('#routes section.operation');

    const operations = Object.entries(openapi.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Json>).map(([method, operation]) => ({
        method,
        path,
        operation,
      })),
    );
    expect(await page.locator('#routes section.operation').count()).toBe(operations.length);
    for (const { method, path, operation } of operations) {
      const section = page.locator(`section.operation[data-operation="${method} ${path}"]`);
      const text = (await section.textContent()) ?? '';
      const where = `${method} ${path}`;
      expect(text, where).toContain(`${method.toUpperCase()} ${path}`);
      expect(text, where).toContain(operation.summary);
      expect(text, where).toContain(plain(operation.description));
      const media = operation.requestBody?.content?.['application/json'];
      const examples = await section.locator('pre').allTextContents();
      if (media?.example !== undefined) expect(examples, `${where} request`).toContain(shown(media.example));
      for (const parameter of operation.parameters ?? []) expect(text, where).toContain(parameter.name);
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        const row = section.locator(`[data-status="${status}"]`);
        expect(await row.count(), `${where} ${status}`).toBe(1);
        const rowText = (await row.textContent()) ?? '';
        expect(rowText, `${where} ${status}`).toContain(status);
        expect(rowText, `${where} ${status}`).toContain(plain(response.description));
        for (const name of Object.keys((response.headers ?? {}) as Record<string, Json>)) {
          expect(rowText, `${where} ${status} header`).toContain(name);
        }
        for (const each of Object.values((response.content ?? {}) as Record<string, Json>)) {
          expect(await row.locator('pre').allTextContents(), `${where} ${status} example`).toContain(
            shown(each.example),
          );
        }
      }
    }
    expect(await page.textContent('main')).toContain(plain(openapi.info.description));
    expect(problems).toEqual([]);
  }, 60_000);

  it('without a token, says to sign in on the panel', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs`);
    await expect.poll(() => page.textContent('#routes')).toContain('sign in');
  }, 60_000);
});
