import { describe, expect, it } from 'vitest';
import { DotenvSyntaxError, MAX_DOTENV_BYTES, parseDotenv, scanDotenv } from './dotenv.js';

/** The values only, by name: most tests do not care about line numbers. */
function values(text: string): Record<string, string> {
  return Object.fromEntries(parseDotenv(text).map((entry) => [entry.name, entry.value]));
}

/** The DotenvSyntaxError `parseDotenv(text)` throws. */
function syntaxError(text: string): DotenvSyntaxError {
  try {
    parseDotenv(text);
  } catch (error) {
    if (error instanceof DotenvSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a DotenvSyntaxError');
}

describe('parseDotenv: assignments', () => {
  it('parses NAME=value lines with their 1-based line numbers', () => {
    expect(parseDotenv('A=1\nB=two\n')).toEqual([
      { name: 'A', value: '1', line: 1 },
      { name: 'B', value: 'two', line: 2 },
    ]);
  });

  it('returns nothing for an empty file, blank lines and comments', () => {
    expect(parseDotenv('')).toEqual([]);
    expect(parseDotenv('\n   \n\t\n# comment\n   # indented comment\n#A=1\n')).toEqual([]);
  });

  it('accepts a last line without a newline', () => {
    expect(parseDotenv('A=1\nB=2')).toEqual([
      { name: 'A', value: '1', line: 1 },
      { name: 'B', value: '2', line: 2 },
    ]);
  });

  it('accepts the export prefix with spaces or tabs after it', () => {
    expect(values('export A=1\nexport \t B=2\n  export\tC=3\n')).toEqual({ A: '1', B: '2', C: '3' });
  });

  it('treats export as a name when it is what is assigned', () => {
    expect(values('export=1\n')).toEqual({ export: '1' });
    expect(values('export = 2\n')).toEqual({ export: '2' });
    expect(values('exportA=3\n')).toEqual({ exportA: '3' });
  });

  it('allows spaces around the name and the =', () => {
    expect(values('  A = 1  \n\tB\t=\t2\t\n')).toEqual({ A: '1', B: '2' });
  });

  it('gives the empty string for NAME= and for empty quotes', () => {
    expect(values('A=\nB=   \nC=""\nD=\'\'\nE=``\nF= # only a comment\n')).toEqual({
      A: '',
      B: '',
      C: '',
      D: '',
      E: '',
      F: '',
    });
  });

  it('keeps = inside values', () => {
    expect(values('A==b=c\nB=base64+/==\nC="x=y"\n')).toEqual({ A: '=b=c', B: 'base64+/==', C: 'x=y' });
  });

  it('accepts names with underscores and digits, up to 256 characters', () => {
    const long = `_${'a'.repeat(255)}`;
    expect(values(`_A1=1\nlower_case=2\n${long}=3\n`)).toEqual({ _A1: '1', lower_case: '2', [long]: '3' });
  });
});

describe('parseDotenv: unquoted values', () => {
  it('trims them and removes an inline comment that starts after a blank', () => {
    expect(values('A=  hello world  # greeting\nB=x\t#tab comment\n')).toEqual({ A: 'hello world', B: 'x' });
  });

  it('refuses a # that does not follow a blank: dotenv would end the value there (issue 15)', () => {
    const { entries, errors } = scanDotenv('URL=http://x/#frag\nB=a#b#c\nC=#not-a-comment\nD=ok # fine#\n');
    expect(entries).toEqual([{ name: 'D', value: 'ok', line: 4 }]);
    expect(errors.map((error) => error.line)).toEqual([1, 2, 3]);
    expect(errors[0]?.message).toBe(
      'line 1: a # inside an unquoted value: dotenv ends the value there, other readers do not; quote the value',
    );
    expect(values("URL='http://x/#frag'\n")).toEqual({ URL: 'http://x/#frag' });
  });

  it('keeps quotes and backslashes that are not at the start literally', () => {
    expect(values('A=it\'s "fine"\nB=C:\\path\\n\n')).toEqual({ A: 'it\'s "fine"', B: 'C:\\path\\n' });
  });
});

describe('parseDotenv: quoted values', () => {
  it('keeps single-quoted values literal, escapes and # included', () => {
    expect(values("A='a\\nb \\\" $X # not a comment'\n")).toEqual({ A: 'a\\nb \\" $X # not a comment' });
  });

  it('lets single-quoted values span lines', () => {
    expect(parseDotenv("A='one\ntwo'\nB=3\n")).toEqual([
      { name: 'A', value: 'one\ntwo', line: 1 },
      { name: 'B', value: '3', line: 3 },
    ]);
  });

  it('reads \\n and \\r in double-quoted values as dotenv does, and nothing else', () => {
    expect(values('A="1\\n2\\r3"\n')).toEqual({ A: '1\n2\r3' });
  });

  it('refuses the escapes dotenv keeps as written but shells unescape: \\t \\" \\\\ \\$ \\` and backslash-newline (issue 15)', () => {
    for (const sequence of ['\\t', '\\\\', '\\$', '\\`', '\\\n']) {
      const { entries, errors } = scanDotenv(`A="x${sequence}y"\nB=2\n`);
      expect(entries.map((entry) => entry.name)).toEqual(['B']);
      expect(errors[0]?.message).toMatch(
        /in double quotes: dotenv keeps it as written \(it unescapes only \\n and \\r\)/,
      );
    }
    expect(syntaxError('A="say \\"hi\\""\n').message).toMatch(
      /^line 1: a backslash right before the closing quote/,
    );
  });

  it('keeps any other backslash sequence in double-quoted values as written, as dotenv does', () => {
    expect(values('A="C:\\Users\\x \\d+ \\\' \\u0041"\n')).toEqual({ A: "C:\\Users\\x \\d+ \\' \\u0041" });
  });

  it('does not expand variables or commands', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${HOME} is what this test feeds in.
    const home = '${HOME}';
    expect(values(`HOME_COPY="${home}/x $USER $(id)"\nB=${home}\nC='${home}'\n`)).toEqual({
      HOME_COPY: `${home}/x $USER $(id)`,
      B: home,
      C: home,
    });
  });

  it('lets double-quoted values span lines and keeps # inside them', () => {
    expect(parseDotenv('A="line 1\n# not a comment\nline 3"\nB=x\n')).toEqual([
      { name: 'A', value: 'line 1\n# not a comment\nline 3', line: 1 },
      { name: 'B', value: 'x', line: 4 },
    ]);
  });

  it('treats backtick-quoted values like single-quoted ones', () => {
    expect(values('A=`it\'s "both"\\n`\nB=`one\ntwo`\n')).toEqual({ A: 'it\'s "both"\\n', B: 'one\ntwo' });
  });

  it('keeps spaces inside quotes and allows blanks and a comment after the closing quote', () => {
    expect(values('A="  padded  "   # comment\nB=\'x\'\t\nC="y"#tight comment\n')).toEqual({
      A: '  padded  ',
      B: 'x',
      C: 'y',
    });
  });
});

describe('parseDotenv: encodings and line ends', () => {
  it('strips a leading BOM', () => {
    expect(parseDotenv('\uFEFFA=1\n')).toEqual([{ name: 'A', value: '1', line: 1 }]);
  });

  it('accepts CRLF line ends without keeping the \\r, also inside multi-line quotes', () => {
    expect(parseDotenv('A=1\r\nB="x\r\ny"\r\nC=\'p\r\nq\'\r\n\r\nD=2 # c\r\n')).toEqual([
      { name: 'A', value: '1', line: 1 },
      { name: 'B', value: 'x\ny', line: 2 },
      { name: 'C', value: 'p\nq', line: 4 },
      { name: 'D', value: '2', line: 7 },
    ]);
  });

  it('keeps unicode values intact', () => {
    expect(values('A=héllo wörld 🔑\nB="日本語 # ok"\n')).toEqual({ A: 'héllo wörld 🔑', B: '日本語 # ok' });
  });
});

describe('parseDotenv: a file mixing every form', () => {
  const pem =
    '-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8\nAgEAAkEAq7BFUpkGp3+XQ==\n-----END PRIVATE KEY-----';
  const file = [
    '\uFEFF# Production secrets',
    '',
    'export OPENAI_API_KEY=sk-abc123 # the main key',
    'DATABASE_URL = postgres://u:p@h:5432/db?sslmode=require',
    `PRIVATE_KEY="${pem.split('\n').join('\r\n')}"`,
    "LITERAL='a\\nb # kept'",
    'HASHES="#1 and # 2" # trailing',
    "URL='https://example.com/page#section'",
    'EMPTY=',
    '  export   TABBED\t=\t`back tick`',
    'UNICODE="ключ 🔐\\n"',
    'EQUALS=a=b==',
  ].join('\r\n');

  it('parses every entry with its value and starting line', () => {
    expect(parseDotenv(file)).toEqual([
      { name: 'OPENAI_API_KEY', value: 'sk-abc123', line: 3 },
      { name: 'DATABASE_URL', value: 'postgres://u:p@h:5432/db?sslmode=require', line: 4 },
      { name: 'PRIVATE_KEY', value: pem, line: 5 },
      { name: 'LITERAL', value: 'a\\nb # kept', line: 9 },
      { name: 'HASHES', value: '#1 and # 2', line: 10 },
      { name: 'URL', value: 'https://example.com/page#section', line: 11 },
      { name: 'EMPTY', value: '', line: 12 },
      { name: 'TABBED', value: 'back tick', line: 13 },
      { name: 'UNICODE', value: 'ключ 🔐\n', line: 14 },
      { name: 'EQUALS', value: 'a=b==', line: 15 },
    ]);
  });
});

describe('parseDotenv: errors', () => {
  it('refuses a name assigned twice on both lines, saying where it was first assigned (issue 15)', () => {
    const { entries, errors } = scanDotenv('A=1\n\nB=2\nA=3\n');
    expect(entries).toEqual([{ name: 'B', value: '2', line: 3 }]);
    expect(errors.map((error) => error.message)).toEqual([
      'line 4: A is assigned again (first on line 1): dotenv takes the last value, other readers the first; keep one',
    ]);
  });

  it('refuses a duplicate that follows a multi-line value, on the right line', () => {
    expect(syntaxError('A="x\ny"\nexport A=z\n').message).toMatch(
      /^line 3: A is assigned again \(first on line 1\)/,
    );
  });

  it('reports, with the lines dotenv would read into it, a value dotenv reads across line ends', () => {
    // dotenv: A is "\nB=1\n" (white space, line ends included, may come before a quoted value).
    const empty = scanDotenv('A=\n"\nB=1\n"\nC=3\n');
    expect(empty.entries.map((entry) => entry.name)).toEqual(['C']);
    expect(empty.errors.map((error) => error.message)).toEqual([
      'lines 1-4: nothing after = but a quoted value on a later line, which dotenv reads as this value; put the value on this line',
    ]);
    // dotenv: NAME on one line and `=` on the next is an assignment; `NAME:` takes the next line.
    expect(scanDotenv('t\n="\nA=B="\nC=3\n').entries.map((entry) => entry.name)).toEqual(['C']);
    expect(scanDotenv('YAML:\nA=1\nC=3\n').entries.map((entry) => entry.name)).toEqual(['C']);
    // Every line of a refused span may start a reading of its own that runs on further.
    expect(scanDotenv('export :\nr:\nA=A\nC=3\n').entries.map((entry) => entry.name)).toEqual(['C']);
  });

  it('refuses a name accepted on one line when a malformed line may assign it for dotenv', () => {
    const { entries, errors } = scanDotenv('A=1\n\u00a0A=2\nB=3\n');
    expect(entries.map((entry) => entry.name)).toEqual(['B']);
    expect(errors.map((error) => error.line)).toEqual([1, 2]);
    expect(errors[0]?.message).toBe(
      'line 1: A is assigned again on line 2, a malformed line that dotenv may read differently; fix or remove one',
    );
  });

  it('refuses a line without =', () => {
    const error = syntaxError('A=1\nJUST_A_NAME\n');
    expect(error).toBeInstanceOf(DotenvSyntaxError);
    expect(error.name).toBe('DotenvSyntaxError');
    expect(error.line).toBe(2);
    expect(error.message).toBe('line 2: expected NAME=value');
    expect(syntaxError('export FOO\n').message).toBe('line 1: expected NAME=value');
    expect(syntaxError('export\n').message).toBe('line 1: expected NAME=value');
  });

  it('refuses a missing name', () => {
    expect(syntaxError('\n=value\n').message).toBe('line 2: expected NAME=value');
    expect(syntaxError('   = value\n').message).toBe('line 1: expected NAME=value');
  });

  it('refuses a bad name with the name rule and without echoing it', () => {
    for (const bad of ['1ABC', 'MY-KEY', 'my.key', 'TWO WORDS', 'ÉTÉ', `A${'b'.repeat(256)}`, 'A"B']) {
      const error = syntaxError(`OK=1\n${bad}=v\n`);
      expect(error.line).toBe(2);
      expect(error.message).toMatch(/^line 2: a name must start with a letter or underscore/);
      expect(error.message).toContain('at most 256 characters');
      expect(error.message).not.toContain(bad);
    }
  });

  it('refuses text after a closing quote, naming the lines of the value', () => {
    expect(syntaxError('A="x"y\n').message).toBe('line 1: unexpected text after the closing quote');
    expect(syntaxError("A='x' 'y'\n").message).toBe('line 1: unexpected text after the closing quote');
    const error = syntaxError('OK=1\nA="one\ntwo" extra\n');
    expect(error.line).toBe(2);
    expect(error.lastLine).toBe(3);
    expect(error.message).toBe('lines 2-3: unexpected text after the closing quote');
  });

  it('refuses an unterminated quote, naming the line where the value started', () => {
    for (const quote of ['"', "'", '`']) {
      const error = syntaxError(`A=1\nB=${quote}never\nclosed\nC=3\n`);
      expect(error.line).toBe(2);
      expect(error.message).toBe('line 2: the quoted value starting here is never closed');
    }
    expect(syntaxError('A="ends with a backslash\\').line).toBe(1);
    expect(syntaxError('A="escaped quote only\\"\n').line).toBe(1);
    expect(syntaxError('A="escaped quote only\\"\n').message).toMatch(
      /a backslash right before the closing quote/,
    );
  });

  it('refuses input larger than MAX_DOTENV_BYTES at line 0', () => {
    const error = syntaxError('A'.repeat(MAX_DOTENV_BYTES + 1));
    expect(error.line).toBe(0);
    expect(error.message).toBe(`the file is larger than ${MAX_DOTENV_BYTES} bytes`);
  });

  it('never puts a value or the raw line in a message', () => {
    const secret = 'sk-should-not-leak';
    const broken = [
      `OPENAI_KEY ${secret}`,
      `BAD-NAME=${secret}`,
      `${secret}=x`,
      `A="${secret}"${secret}`,
      `A='${secret}`,
      `A="${secret}`,
      `A=${secret}\nA=${secret}`,
    ];
    for (const text of broken) {
      const error = syntaxError(text);
      expect(error.message).not.toContain('sk-');
      expect(error.message).not.toContain('leak');
      expect(String(error.stack)).not.toContain(secret);
    }
  });
});

describe('parseDotenv: hostile input', () => {
  it('stays linear on 1 MB pathological inputs', () => {
    const mb = 1024 * 1024;
    expect(values(`A=${' \t#'.repeat(mb / 3)}`)).toEqual({ A: '' });
    expect(values(`A=${'x '.repeat(mb / 2)}`).A).toHaveLength(mb - 1);
    expect(values(`A="${'\\n'.repeat(mb / 2)}"`).A).toHaveLength(mb / 2);
    expect(syntaxError(`A="${'\\"'.repeat(mb / 2)}`).line).toBe(1);
    expect(syntaxError(`A='${'\n'.repeat(mb)}`).line).toBe(1);
    expect(syntaxError(`${'#\n'.repeat(mb / 2)}${'A'.repeat(mb)}`).line).toBe(mb / 2 + 1);
    expect(syntaxError(`A=1\nB=2\n${' '.repeat(mb)}=x`).line).toBe(3);
  });
});
