import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { outputProblem, saveResults, type WriteChunk, writeFileAtomically } from './outputFile.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emc-output-'));
});

/** A disk that fills up after `bytes`: half the text is written, then ENOSPC. */
const fullAfter =
  (bytes: number): WriteChunk =>
  async (handle, text) => {
    await handle.write(text.slice(0, bytes));
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  };

describe('writeFileAtomically', () => {
  it('replaces the file whole', async () => {
    const path = join(dir, 'results.json');
    writeFileSync(path, '{"old": true}\n');
    await writeFileAtomically(path, '{"new": true}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"new": true}\n');
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('leaves the earlier file as it was, and no temporary file, when the disk fills mid-write', async () => {
    const path = join(dir, 'results.json');
    writeFileSync(path, '{"old": true}\n');
    await expect(
      writeFileAtomically(path, `{"new": "${'x'.repeat(10_000)}"}\n`, fullAfter(5000)),
    ).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readFileSync(path, 'utf8')).toBe('{"old": true}\n');
    expect(readdirSync(dir)).toEqual(['results.json']);
  });
});

describe('saveResults', () => {
  it('rescues the results into the temp folder when --out cannot take them', async () => {
    const path = join(dir, 'results.json');
    const saved = await saveResults(path, '{"points": []}\n', fullAfter(3));
    expect(saved.ok).toBe(false);
    if (saved.ok || saved.rescuedTo === 'stdout') throw new Error('expected a rescue file');
    expect(saved.problem).toBe(`cannot write ${path} (ENOSPC)`);
    expect(saved.rescuedTo.startsWith(tmpdir())).toBe(true);
    expect(readFileSync(saved.rescuedTo, 'utf8')).toBe('{"points": []}\n');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('outputProblem', () => {
  it('accepts a new file in an existing folder, and a writable device, leaving nothing behind', async () => {
    expect(await outputProblem(join(dir, 'new.json'))).toBeUndefined();
    expect(await outputProblem('/dev/null')).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names a missing folder and a folder given as the file', async () => {
    expect(await outputProblem(join(dir, 'no', 'x.json'))).toBe(
      `cannot write ${join(dir, 'no', 'x.json')}: the folder ${join(dir, 'no')} does not exist`,
    );
    expect(await outputProblem(dir)).toBe(`cannot write ${dir}: it is a folder`);
  });

  it("refuses a pipe as a shard's part, which a re-run would read back and hang on", async () => {
    const fifo = join(dir, 'part.json');
    execFileSync('mkfifo', [fifo]);
    expect(await outputProblem(fifo, { fileOnly: true })).toBe(
      `cannot use ${fifo}: it is not a regular file`,
    );
    expect(await outputProblem(fifo)).toBeUndefined();
  });
});
