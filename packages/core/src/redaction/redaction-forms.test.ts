import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED } from './redacted.js';
import { RedactionDictionary } from './redaction-dictionary.js';
import { redactionForms } from './redaction-forms.js';
import { RedactionScanner } from './redaction-scanner.js';

/** Values that every encoder writes differently: quotes, backslash, controls, non-ASCII. */
const TRICKY = [
  `pa"ss'wo\\rd/+&=? é😀`,
  'only-ascii-value-123',
  `single'quote-only`,
  'tab\tnew\nline\r\nvalue',
  'bell\u0007-and-del\u007f-nbsp\u00a0-zwj\u200d',
  '日本語のパスワード',
];

/** What Python itself writes for each value (the forms' ground truth), one JSON list per value. */
const PYTHON_ENCODERS = `
import base64, json, sys, urllib.parse
for value in json.load(sys.stdin):
    raw = value.encode()
    print(json.dumps([
        json.dumps(value), json.dumps(value, ensure_ascii=False), repr(value), str([value]),
        str({"k": value}), ascii(value), urllib.parse.quote(value), urllib.parse.quote_plus(value),
        urllib.parse.urlencode({"k": value}),
        base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
        base64.b64encode(b"user:" + raw).decode(),
        base64.b64encode(b"x" + raw).decode(), base64.b64encode(b"xy" + raw).decode(),
        base64.urlsafe_b64encode(b"xyz:" + raw).decode(),
    ]))
`;

function python(values: readonly string[]): string[][] {
  const result = spawnSync('python3', ['-c', PYTHON_ENCODERS], {
    input: JSON.stringify(values),
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** What Node writes for `value`. */
function node(value: string): string[] {
  const bytes = Buffer.from(value);
  return [
    JSON.stringify(value),
    JSON.stringify({ k: value }),
    encodeURIComponent(value),
    new URLSearchParams({ k: value }).toString(),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    Buffer.concat([Buffer.from('u:'), bytes]).toString('base64'),
    Buffer.concat([Buffer.from('us:'), bytes]).toString('base64url'),
    inspect(value),
  ];
}

function redact(dictionary: RedactionDictionary, text: string): string {
  const scanner = new RedactionScanner(dictionary);
  return Buffer.concat([scanner.write(Buffer.from(text)), scanner.end()]).toString();
}

/**
 * Left of an encoded value once redacted: the quotes, key, prefix, base64 padding and the up to two
 * base64 characters at each edge that mix the value's bits with its neighbours'.
 */
const MAX_UNREDACTED_AROUND = 28;

describe('redactionForms', () => {
  it('covers what Python and Node really write, for values with quotes, controls and non-ASCII', () => {
    const outputs = python(TRICKY);
    TRICKY.forEach((value, index) => {
      const dictionary = new RedactionDictionary();
      dictionary.add([value]);
      for (const encoded of [...outputs[index]!, ...node(value)]) {
        const out = redact(dictionary, encoded);
        expect(out, encoded).toContain(REDACTED);
        const left = out.replaceAll(REDACTED, '');
        expect(left.length, `${JSON.stringify(encoded)} -> ${JSON.stringify(out)}`).toBeLessThanOrEqual(
          MAX_UNREDACTED_AROUND,
        );
      }
    });
  });

  it('redacts a PEM key whole and line by line, and leaves a certificate and the boundaries alone', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dictionary = new RedactionDictionary();
    dictionary.add([pem]);
    expect(redact(dictionary, pem)).toBe(REDACTED);
    const lines = pem.trimEnd().split('\n');
    for (const line of lines.slice(1, -1)) expect(redact(dictionary, `> ${line} <`)).toBe(`> ${REDACTED} <`);
    expect(redact(dictionary, `${lines[0]!}\nnot the key\n`)).toBe(
      '-----BEGIN PRIVATE KEY-----\nnot the key\n',
    );
    // On a pseudo-terminal every \n arrives as \r\n.
    expect(redact(dictionary, pem.replaceAll('\n', '\r\n'))).toBe(REDACTED);
    const certificate = [
      '-----BEGIN CERTIFICATE-----',
      'MIIBszCCAVmgAwIBAgIUYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowCgYIKoZI',
      '-----END CERTIFICATE-----',
      '',
    ].join('\n');
    expect(redact(dictionary, certificate)).toBe(certificate);
  });

  it('redacts a key file held as JSON (its PEM on one line with \\n) in util.inspect and pprint of a container', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = JSON.stringify(
      { type: 'service_account', private_key: pem, client_id: '1234567890' },
      null,
      2,
    );
    const dictionary = new RedactionDictionary();
    dictionary.add([keyFile]);
    const body = pem.trimEnd().split('\n').slice(1, -1);
    const pprint = spawnSync(
      'python3',
      ['-c', 'import json,pprint,sys; pprint.pprint({"creds": sys.stdin.read()})'],
      {
        input: keyFile,
        encoding: 'utf8',
      },
    );
    expect(pprint.status).toBe(0);
    for (const printed of [inspect({ creds: keyFile }), pprint.stdout, JSON.stringify({ creds: keyFile })]) {
      const out = redact(dictionary, printed);
      for (const line of body) expect(out, printed).not.toContain(line);
    }
  });

  it('does not make patterns of a multi-line value’s lines that are only punctuation or short once trimmed', () => {
    const dictionary = new RedactionDictionary();
    dictionary.add(['{\n  "enabled": [\n    true,\n    false\n  ],\n  "token": "abcdef123456"\n}']);
    const output = JSON.stringify({ list: [true, false] }, null, 2);
    expect(redact(dictionary, output)).toBe(output);
    expect(redact(dictionary, '"token": "abcdef123456"')).toBe(REDACTED);
  });

  it('adds no form shorter than the minimum, and nothing for a short value', () => {
    expect(redactionForms('12345')).toEqual([]);
    for (const value of ['abcdef', 'a"b\\c\nd', 'é😀日本語x']) {
      const forms = redactionForms(value);
      expect(forms[0]).toBe(value);
      expect(new Set(forms).size).toBe(forms.length);
      for (const form of forms) expect(Array.from(form).length).toBeGreaterThanOrEqual(6);
    }
    // A multi-line value's short lines are not patterns of their own (they would redact `}` or `ok`).
    const dictionary = new RedactionDictionary();
    dictionary.add(['{\n  "private_key": "abcdefghij"\n}']);
    expect(redact(dictionary, '}\nok\n')).toBe('}\nok\n');
  });

  it('no derived form of any value survives, for random values and random chunk splits (property)', () => {
    const character = fc.constantFrom(
      'a',
      'Z',
      '9',
      '"',
      "'",
      '\\',
      '/',
      '+',
      ' ',
      '&',
      'é',
      '😀',
      '\n',
      '\t',
    );
    const value = fc.array(character, { minLength: 6, maxLength: 16 }).map((chars) => chars.join(''));
    const encoder = fc.constantFrom<(value: string) => string>(
      (v) => v,
      (v) => JSON.stringify(v),
      (v) =>
        JSON.stringify(v).replace(
          /[^\x20-\x7e]/g,
          (u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`,
        ),
      (v) => encodeURIComponent(v),
      (v) => new URLSearchParams({ k: v }).toString(),
      (v) => Buffer.from(v).toString('base64'),
      (v) => Buffer.from(`u:${v}`).toString('base64url'),
      (v) => Buffer.from(`us:${v}`).toString('base64'),
      (v) => Buffer.from(`use:${v}`).toString('base64').replace(/=+$/, ''),
      (v) => v.replaceAll('\n', '\r\n'),
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), encoder, fc.constantFrom('', ' ', '\n', '=', 'x', '"')), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, parts, cuts) => {
          const dictionary = new RedactionDictionary();
          dictionary.add(values);
          const encoded = parts.map(([which, encode]) => encode(values[which % values.length]!));
          const input = Buffer.from(
            parts.map(([, , filler], i) => `${filler}${encoded[i]}${filler}`).join(''),
          );
          const scanner = new RedactionScanner(dictionary);
          const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
          const out: Buffer[] = [];
          let start = 0;
          for (const point of [...points, input.length]) {
            out.push(scanner.write(input.subarray(start, point)));
            start = point;
          }
          out.push(scanner.end());
          const text = Buffer.concat(out).toString();
          for (const value of values) expect(text).not.toContain(value);
          for (const form of encoded) {
            // A base64 form keeps up to 3 characters at each edge (its neighbours' bits, padding).
            const core = form.length > 12 ? form.slice(4, -4) : form;
            expect(text).not.toContain(core);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
