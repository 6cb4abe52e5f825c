import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { CSV_LIMITS, readCsv, standardize } from './csv.ts';
import { sha256Hex } from './hash.ts';

const WINE = `alcohol,acid,kind
13.2,1.78,red
12.4,"2.1",white
14.1,1.5,red
11.9,3.0,rose
`;

function table(text: string, labelColumn?: string | number) {
  const read = readCsv(text, { labelColumn });
  if (!read.ok) throw new Error(read.error);
  return read.table;
}

function errorOf(text: string, labelColumn?: string | number): string {
  const read = readCsv(text, { labelColumn });
  if (read.ok) throw new Error('expected a refusal');
  return read.error;
}

describe('readCsv', () => {
  it('reads numeric features and maps labels to classes in first-seen order', () => {
    const t = table(WINE);
    expect(t.features).toEqual(['alcohol', 'acid']);
    expect(t.labelColumn).toBe('kind');
    expect(t.classLabels).toEqual(['red', 'white', 'rose']);
    expect(Array.from(t.y)).toEqual([0, 1, 0, 2]);
    expect(t.rows).toBe(4);
    expect(Array.from(t.x)).toEqual(
      Array.from(Float32Array.from([13.2, 1.78, 12.4, 2.1, 14.1, 1.5, 11.9, 3.0])),
    );
  });

  it('takes the label column by name or index, and integer labels as classes too', () => {
    const text = 'label,a,b\n3,1,2\n7,3,4\n3,5,6\n';
    for (const column of ['label', 0]) {
      const t = table(text, column);
      expect(t.features).toEqual(['a', 'b']);
      expect(t.classLabels).toEqual(['3', '7']);
      expect(Array.from(t.y)).toEqual([0, 1, 0]);
    }
  });

  it('accepts CRLF line ends, a byte-order mark, quoted cells and blank trailing lines', () => {
    const t = table('\uFEFFx,"y, the label"\r\n1,"a ""b"""\r\n2,c\r\n\r\n');
    expect(t.labelColumn).toBe('y, the label');
    expect(t.classLabels).toEqual(['a "b"', 'c']);
  });

  it.each([
    ['', 'The file is empty.'],
    ['a,b\n', 'The file has a header but no rows.'],
    ['1,2\n3,4\n', 'needs a header row'],
    ['a,a\n1,2\n', 'names the column "a" twice'],
    ['a,,c\n1,2,3\n', 'empty column name (column 2)'],
    ['label\n1\n', 'at least one feature column'],
    ['a,b,c\n1,2,x\n1,2\n', 'Row 3 has 2 cells where the header has 3 columns.'],
    ['a,b,c\n1,2,x\n1,oops,y\n', 'Row 3, column "b": "oops" is not a number.'],
    ['a,b,c\n1,,x\n', 'Row 2, column "b": "" is not a number.'],
    ['a,b\n1,x\n2,\n', 'Row 3 has no label (column "b").'],
    ['a,b\n1,x\n2,x\n', 'holds only one class'],
    ['a,b\n1,"x\n', 'Row 2 has an unclosed quote.'],
  ])('refuses %j: %s', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('names a label column that is not there', () => {
    expect(errorOf(WINE, 'colour')).toBe(
      'There is no column named "colour" (columns: alcohol, acid, kind).',
    );
    expect(errorOf(WINE, 5)).toBe('There is no column 6: the file has 3.');
  });

  it('refuses more classes, rows or features than a spec may hold', () => {
    const manyClasses = `a,b\n${Array.from({ length: CSV_LIMITS.maxClasses + 1 }, (_, i) => `${i},c${i}`).join('\n')}\n`;
    expect(errorOf(manyClasses)).toContain(`more than ${CSV_LIMITS.maxClasses} classes`);
    const manyRows = `a,b\n${'1,x\n2,y\n'.repeat(CSV_LIMITS.maxRows / 2 + 1)}`;
    expect(errorOf(manyRows)).toContain(`at most ${CSV_LIMITS.maxRows} are allowed`);
    const wide = `${Array.from({ length: CSV_LIMITS.maxFeatures + 2 }, (_, i) => `f${i}`).join(',')}\n`;
    expect(errorOf(wide)).toContain(`at most ${CSV_LIMITS.maxFeatures} are allowed`);
  });

  it('refuses a 65,535-column header over one-cell rows at the first row, allocating nothing for the header', () => {
    const header = Array.from({ length: 65_535 }, (_, i) => `c${i}`).join(',');
    const text = `${header}\n${'1\n'.repeat(100_000)}`;
    expect(errorOf(text)).toBe('Row 2 has 1 cells where the header has 65535 columns.');
  });

  it('refuses a row with far more cells than the header without splitting all of them', () => {
    expect(errorOf(`a,b\n1,x\n${'1,'.repeat(1_000_000)}x\n`)).toBe(
      'Row 3 has more cells where the header has 2 columns.',
    );
  });

  it.each(['1e39', '-1e39', '3.5e38'])(
    'refuses the feature cell %s, which float32 cannot hold, naming its row and column',
    (cell) => {
      expect(errorOf(`a,b,y\n1,2,p\n3,${cell},q\n`)).toBe(
        `Row 3, column "b": ${cell} is beyond the range of 32-bit floats (±3.4e38), where training computes.`,
      );
    },
  );

  it('keeps the largest float32 and anything below it', () => {
    const t = table('a,y\n3.4028234663852886e38,p\n-1e38,q\n1e-50,p\n');
    expect(Array.from(t.x)).toEqual([3.4028234663852886e38, Math.fround(-1e38), 0]);
  });

  it('accepts quoted cells holding commas and line ends (RFC 4180), counting rows as records', () => {
    const t = table('a,"the\nlabel"\n1,"two,\r\nlines"\n2,b\n3,"two,\r\nlines"\n');
    expect(t.labelColumn).toBe('the\nlabel');
    expect(t.classLabels).toEqual(['two,\r\nlines', 'b']);
    expect(Array.from(t.y)).toEqual([0, 1, 0]);
    expect(errorOf('a,b\n1,"x\ny"\n2,z\noops,w\n')).toContain('Row 4, column "a"');
  });

  it.each([
    ['a,b\n1,"a"b\n2,c\n', 'Row 2, column 2: text follows a closing quote ("a"b…).'],
    ['a,b\n1,a"b\n2,c\n', 'Row 2, column 2: a quote inside an unquoted cell (a"…).'],
    ['"a"x,b\n1,c\n', 'Row 1 (the header), column 1: text follows a closing quote'],
  ])('refuses the stray quote in %j with a clear message', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('answers thousands of mutated files with a table or a message, never an exception', () => {
    const rng = createRng(5);
    const alphabet = ['1', '2', '.', ',', '"', '\n', '\r', 'x', '-', 'e', ' ', ''];
    for (let i = 0; i < 3000; i++) {
      const chars = WINE.split('');
      for (let m = rng.int(6); m >= 0; m--) {
        chars.splice(
          rng.int(chars.length + 1),
          rng.int(3),
          alphabet[rng.int(alphabet.length)] as string,
        );
      }
      const read = readCsv(chars.join(''));
      if (!read.ok) expect(read.error.length).toBeGreaterThan(0);
      else expect(read.table.x.length).toBe(read.table.rows * read.table.features.length);
    }
  });
});

describe('standardize', () => {
  it('uses the training rows only: a held-out row does not move the statistics', () => {
    const t = table('a,b,y\n1,5,p\n3,5,q\n1000,-9,p\n');
    const { x, mean, std } = standardize(t, [0, 1]);
    expect(Array.from(mean)).toEqual([2, 5]);
    // b is constant on the training rows: centred, not scaled.
    expect(Array.from(std)).toEqual([1, 1]);
    expect(Array.from(x.slice(0, 4))).toEqual([-1, 0, 1, 0]);
    expect(x[4]).toBe(998);
    expect(x[5]).toBe(-14);
  });
});

describe('sha256Hex', () => {
  it('gives the standard digest', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(await sha256Hex('abc'));
  });
});
