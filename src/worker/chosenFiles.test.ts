import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_USER_FILE_BYTES } from '../engine/data/userData.ts';
import { userDataFromFiles } from './chosenFiles.ts';

/** A File as a folder picker gives it: its path inside the chosen folder. */
function inFolder(path: string, bytes: Uint8Array): File {
  const file = new File([bytes as Uint8Array<ArrayBuffer>], path.split('/').at(-1) as string);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

describe('userDataFromFiles', () => {
  it('reads one CSV file as it is', async () => {
    const chosen = await userDataFromFiles('csv', [new File(['a,b\n1,x\n'], 'small.csv')]);
    expect(chosen.ok && chosen.file).toMatchObject({ kind: 'csv', name: 'small.csv' });
  });

  it('reads a folder by its relative paths, named after the folder', async () => {
    const chosen = await userDataFromFiles('images', [
      inFolder('pets/cat/1.png', Uint8Array.of(1)),
      inFolder('pets/dog/1.png', Uint8Array.of(2)),
    ]);
    expect(
      chosen.ok && chosen.file.kind === 'images' && chosen.file.entries.map((e) => e.path),
    ).toEqual(['pets/cat/1.png', 'pets/dog/1.png']);
    expect(chosen.ok && chosen.file.name).toBe('pets');
  });

  it('unzips a .zip', async () => {
    const zip = zipSync({ 'pets/cat/1.png': Uint8Array.of(1) });
    const chosen = await userDataFromFiles('images', [new File([zip], 'pets.zip')]);
    expect(chosen.ok && chosen.file.kind === 'images' && chosen.file.entries).toHaveLength(1);
  });

  it('says when the file does not match the kind of data chosen', async () => {
    const zipAsCsv = await userDataFromFiles('csv', [new File(['PK'], 'pets.zip')]);
    expect(!zipAsCsv.ok && zipAsCsv.error).toMatch(/pets\.zip is a zip: choose "your image folder/);
    const csvAsImages = await userDataFromFiles('images', [new File(['a'], 'a.csv')]);
    expect(!csvAsImages.ok && csvAsImages.error).toMatch(/a\.csv is a CSV: choose "your CSV file"/);
  });

  it('refuses files above the limit before reading them', async () => {
    const huge = new File([], 'huge.csv');
    Object.defineProperty(huge, 'size', { value: MAX_USER_FILE_BYTES + 30 * 1024 ** 2 });
    Object.defineProperty(huge, 'arrayBuffer', {
      value: () => Promise.reject(new Error('must not be read')),
    });
    const chosen = await userDataFromFiles('csv', [huge]);
    expect(!chosen.ok && chosen.error).toMatch(/^huge\.csv: 542 MB is more than the 512 MB/);
  });
});
