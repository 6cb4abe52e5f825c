import { readZip } from '../engine/data/imageFolder.ts';
import { MAX_USER_FILE_BYTES, type UserDataFile } from '../engine/data/userData.ts';

/**
 * The files a person chose or dropped, as the engine reads them: one CSV; one .zip of class
 * folders; or a folder's files (their webkitRelativePath keeps the class folders). Runs in
 * the data reader's worker, which does not see webkitRelativePath: the page sends `paths`.
 */
export async function userDataFromFiles(
  source: 'csv' | 'images',
  files: readonly File[],
  paths: readonly string[] = files.map((file) => file.webkitRelativePath || file.name),
): Promise<{ ok: true; file: UserDataFile } | { ok: false; error: string }> {
  if (files.length === 0) return { ok: false, error: 'No file was chosen.' };
  const first = files[0] as File;
  // Refused before anything is read: a 3 GB file must not freeze the tab to be refused.
  const size = files.reduce((sum, file) => sum + file.size, 0);
  if (size > MAX_USER_FILE_BYTES) {
    const name = files.length === 1 ? first.name : `These ${files.length} files`;
    return {
      ok: false,
      error: `${name}: ${Math.round(size / 1024 ** 2)} MB is more than the ${MAX_USER_FILE_BYTES / 1024 ** 2} MB of data EMC Lab reads (its memory budget is 2 GB).`,
    };
  }
  const bytes = async (file: File) => new Uint8Array(await file.arrayBuffer());
  if (source === 'csv') {
    if (files.length > 1) return { ok: false, error: 'Choose one CSV file.' };
    if (/\.zip$/i.test(first.name)) {
      return {
        ok: false,
        error: `${first.name} is a zip: choose "your image folder or .zip" as the dataset for class folders of images.`,
      };
    }
    return { ok: true, file: { kind: 'csv', name: first.name, bytes: await bytes(first) } };
  }
  if (files.length === 1 && /\.zip$/i.test(first.name)) {
    const entries = readZip(await bytes(first), first.name);
    return entries.ok
      ? { ok: true, file: { kind: 'images', name: first.name, entries: entries.value } }
      : entries;
  }
  if (files.length === 1 && /\.csv$/i.test(first.name)) {
    return {
      ok: false,
      error: `${first.name} is a CSV: choose "your CSV file" as the dataset for tables.`,
    };
  }
  const folder = (paths[0] ?? first.name).split('/')[0] ?? 'images';
  const entries = await Promise.all(
    files.map(async (file, i) => ({ path: paths[i] ?? file.name, bytes: await bytes(file) })),
  );
  return { ok: true, file: { kind: 'images', name: folder, entries } };
}
