import { describe, expect, it } from 'vitest';
import {
  injectableFilter,
  MAX_REPORTED_NAMES,
  notInjectableReason,
  printableName,
} from './injectable-names.js';

describe('which secrets a source hands to the injector (R10)', () => {
  it('keeps valid, unreserved names and leaves out malformed and reserved ones', () => {
    const warnings: string[] = [];
    const injectable = injectableFilter((message) => warnings.push(message));
    const kept = injectable([
      ['OPENAI_API_KEY', 'sk-1'],
      ['GIT_TOKEN', 'ghp-2'],
      ['NODE_OPTIONS', '--require=/tmp/evil.js'],
      ['BASH_FUNC_x%%', '() { evil; }'],
      ['lower-case', 'v'],
      ['https_proxy', 'http://evil'],
      ['LD_PRELOAD', '/tmp/evil.so'],
      ['', 'v'],
      ['A'.repeat(257), 'v'],
    ]);
    expect([...kept]).toEqual([
      ['OPENAI_API_KEY', 'sk-1'],
      ['GIT_TOKEN', 'ghp-2'],
    ]);
    expect(warnings).toHaveLength(7);
    expect(warnings[0]).toMatch(/^secret NODE_OPTIONS is not injected: it has a reserved name: Node\.js/);
    expect(warnings[1]).toMatch(/^secret BASH_FUNC_x%% is not injected: it is not a valid secret name/);
    expect(warnings[2]).toMatch(/^secret lower-case is not injected: it is not a valid/);
    expect(warnings[4]).toMatch(/^secret LD_PRELOAD is not injected: .*every name starting with LD_/);
    expect(warnings.join('\n')).not.toContain('evil');
  });

  it('reports each name once for the life of the source, not at every fetch', () => {
    const warnings: string[] = [];
    const injectable = injectableFilter((message) => warnings.push(message));
    for (let fetch = 0; fetch < 3; fetch += 1) injectable([['PATH', '/tmp/bin']]);
    expect(warnings).toHaveLength(1);
  });

  it('reports at most MAX_REPORTED_NAMES names, then says so once', () => {
    const warnings: string[] = [];
    const injectable = injectableFilter((message) => warnings.push(message));
    const names = Array.from({ length: MAX_REPORTED_NAMES * 3 }, (_, i) => [`LD_${i}`, 'v'] as const);
    injectable(names);
    injectable(names);
    expect(warnings).toHaveLength(MAX_REPORTED_NAMES + 1);
    expect(warnings.at(-1)).toMatch(/only the first 64 names are reported/);
  });

  it('still leaves them out with no one to tell', () => {
    expect([...injectableFilter(undefined)([['PATH', '/tmp']])]).toEqual([]);
  });

  it('shows a hostile name without its control characters, cut short', () => {
    expect(printableName('A\u001b[2J\nB')).toBe('A\\u{1b}[2J\\u{a}B');
    expect(printableName('X\u009bY')).toBe('X\\u{9b}Y');
    expect(printableName('N'.repeat(100))).toBe(`${'N'.repeat(64)}...`);
    expect(printableName('BASH_FUNC_x%%')).toBe('BASH_FUNC_x%%');
  });

  it('applies the full name pattern: a trailing newline is not a name', () => {
    expect(notInjectableReason('PATH\n')).toMatch(/not a valid/);
    expect(notInjectableReason('APP_KEY')).toBeUndefined();
  });
});
