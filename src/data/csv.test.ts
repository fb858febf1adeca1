import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countNonEmptyLines, type DelimitedOptions, readDelimited, readFirstRecord } from './csv.js';

const dir = mkdtempSync(join(tmpdir(), 'cinerec-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${fileCounter++}.txt`);
  writeFileSync(path, content);
  return path;
}

async function rows(path: string, options: DelimitedOptions = {}) {
  const out: { line: number; fields: string[] }[] = [];
  const summary = await readDelimited(
    path,
    (r) => {
      out.push({ line: r.line, fields: r.fields() });
      return undefined;
    },
    options,
  );
  return { out, summary };
}

describe('readDelimited', () => {
  it('reads CRLF records with a header and numbers', async () => {
    const path = file('userId,movieId,rating\r\n1,10,4.5\r\n2,20,3\r\n');
    const nums: number[][] = [];
    const summary = await readDelimited(
      path,
      (r) => {
        nums.push([r.number(0), r.number(1), r.number(2)]);
        return undefined;
      },
      { header: true },
    );
    expect(summary.header).toEqual(['userId', 'movieId', 'rating']);
    expect(nums).toEqual([
      [1, 10, 4.5],
      [2, 20, 3],
    ]);
    expect(summary.records).toBe(2);
  });

  it('handles quotes with separators, doubled quotes and newlines inside', async () => {
    const path = file('id,title\n1,"Matrix, The (1999)"\n2,"He said ""hi"""\n3,"two\nlines"\n4,last');
    const { out, summary } = await rows(path);
    expect(out.map((r) => r.fields)).toEqual([
      ['id', 'title'],
      ['1', 'Matrix, The (1999)'],
      ['2', 'He said "hi"'],
      ['3', 'two\nlines'],
      ['4', 'last'],
    ]);
    expect(out.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
    expect(summary.lines).toBe(5);
  });

  it('keeps records whole when chunks cut them anywhere', async () => {
    const lines = Array.from({ length: 200 }, (_, k) => `${k}::"q""${k}"::name ${k}, x::${k / 2}`);
    const path = file(`${lines.join('\r\n')}\r\n`);
    for (const chunkSize of [1, 2, 3, 7, 64]) {
      const { out } = await rows(path, { separator: '::', chunkSize });
      expect(out).toHaveLength(200);
      expect(out[17].fields).toEqual(['17', 'q"17', 'name 17, x', '8.5']);
    }
  });

  it('splits on tab, pipe and multi-char separators without quoting', async () => {
    expect((await rows(file('1\t2\t3\n'), { separator: '\t' })).out[0].fields).toEqual(['1', '2', '3']);
    const dat = file('1::"Great Performances" Cats (1998)::Musical\n');
    expect((await rows(dat, { separator: '::', quote: null })).out[0].fields).toEqual([
      '1',
      '"Great Performances" Cats (1998)',
      'Musical',
    ]);
    expect((await rows(file('a|b||d\n'), { separator: '|' })).out[0].fields).toEqual(['a', 'b', '', 'd']);
  });

  it('decodes latin-1 and utf-8 and drops a BOM', async () => {
    const latin = file(Buffer.from('1|Cit\xe9 des enfants perdus, La (1995)\n', 'latin1'));
    expect((await rows(latin, { separator: '|', encoding: 'latin1' })).out[0].fields[1]).toBe(
      'Cité des enfants perdus, La (1995)',
    );
    const utf = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name\nAmélie\n')]));
    expect((await rows(utf, { header: true })).summary.header).toEqual(['name']);
    expect((await rows(utf)).out[1].fields).toEqual(['Amélie']);
  });

  it('skips blank lines, stops early and names the line of an open quote', async () => {
    const { out } = await rows(file('a\n\n\r\nb\n'));
    expect(out.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [4, 'b'],
    ]);
    let seen = 0;
    await readDelimited(file('1\n2\n3\n'), () => ++seen < 2);
    expect(seen).toBe(2);
    const open = file('x\ny\n"never closed\n');
    await expect(rows(open)).rejects.toThrow(`${open}:3: quoted field is never closed`);
  });

  it('parses numbers like Number() and refuses garbage', async () => {
    const values = ['0.1', '-2.50', '1e3', '12345678901234567890', ' 7 ', '', 'abc', '1.2.3', '.5', '3.'];
    const parsed: number[] = [];
    await readDelimited(
      file(values.map((v) => `${v}\n`).join('')),
      (r) => {
        parsed.push(r.number(0));
        return undefined;
      },
      { separator: ';' },
    );
    // The blank value is a blank line and skipped.
    expect(parsed).toEqual([
      0.1,
      -2.5,
      1000,
      Number('12345678901234567890'),
      7,
      Number.NaN,
      Number.NaN,
      0.5,
      3,
    ]);
  });
});

describe('line helpers', () => {
  it('counts non-empty lines and reads the header', async () => {
    expect(await countNonEmptyLines(file('h\r\n1\r\n\r\n2'))).toBe(3);
    expect(await countNonEmptyLines(file(''))).toBe(0);
    expect(await readFirstRecord(file(' a , b\nc,d\n'))).toEqual(['a', 'b']);
  });
});
