/**
 * @module panel
 * The secrets panel at `/` (the spec's iron_dashboard SecretsPanel): static HTML, CSS and one
 * script, read once at start-up, with no build step. Everything it shows comes from the API with
 * the token the user pastes.
 */
import { readFileSync } from 'node:fs';
import type { ApiApp } from '../app.js';

const read = (file: string) => readFileSync(new URL(`../../panel/${file}`, import.meta.url), 'utf8');

export function registerPanelRoutes(app: ApiApp): void {
  const files = {
    html: read('index.html'),
    script: read('panel.js'),
    docsScript: read('api-docs.js'),
    style: read('panel.css'),
  };
  app.get('/', (c) => c.html(files.html));
  app.get('/panel/panel.js', (c) =>
    c.body(files.script, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/panel/api-docs.js', (c) =>
    c.body(files.docsScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/panel/panel.css', (c) => c.body(files.style, 200, { 'content-type': 'text/css; charset=utf-8' }));
}
