import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  describeDataMismatch,
  type ImageEntry,
  isUserSource,
  MAX_USER_FILE_BYTES,
  readUserData,
  readZip,
  type UserDataFile,
  type UserDataSummary,
} from '../engine/index.ts';

export type SpecWithData =
  { ok: true; spec: unknown; userData?: UserDataFile } | { ok: false; error: string };

/** How far data.file may reach. */
export interface DataFileOptions {
  /** --allow-outside-data: data.file may name a file outside the spec's folder. */
  allowOutside?: boolean;
}

/**
 * A spec on the user's own data names a file (data.file, relative to the spec file): this
 * reads it, checks it, and fills in what the lab fills in when a file is loaded (hash, rows,
 * classes, input shape). Fields the spec already gives must agree with the file: a spec made
 * in the lab runs only on the data it was made with. A spec is often someone else's file, so
 * data.file must stay inside the spec's folder (links followed) unless `allowOutside`: a
 * spec cannot make the CLI read, and quote in its errors, /etc/passwd or ~/.ssh.
 */
export async function withUserData(
  raw: unknown,
  specPath: string,
  options: DataFileOptions = {},
): Promise<SpecWithData> {
  const data = (raw as { data?: Record<string, unknown> } | null)?.data;
  if (typeof data !== 'object' || data === null || typeof data.source !== 'string') {
    return { ok: true, spec: raw };
  }
  if (!isUserSource(data.source)) return { ok: true, spec: raw };
  if (typeof data.file !== 'string' || data.file.trim() === '') {
    return {
      ok: false,
      error: `data.file must name your ${data.source === 'csv' ? 'CSV file' : 'image folder or .zip'}, relative to ${specPath}`,
    };
  }
  const located = await locateDataFile(specPath, data.file, options);
  if (!located.ok) return located;
  const file = await readDataPath(located.value, data.source, data.file);
  if (!file.ok) return file;
  const shape = Array.isArray(data.inputShape) ? (data.inputShape as number[]) : undefined;
  const read = await readUserData(file.value, {
    labelColumn: typeof data.labelColumn === 'string' ? data.labelColumn : undefined,
    size: data.source === 'images' && shape ? [shape[0] ?? 0, shape[1] ?? 0] : undefined,
  });
  if (!read.ok) return { ok: false, error: read.error };
  const { summary } = read.value;
  const conflict = conflictWithSpec(data, summary);
  if (conflict) return { ok: false, error: conflict };
  return {
    ok: true,
    spec: {
      ...(raw as object),
      data: {
        ...data,
        sha256: summary.sha256,
        rows: summary.rows,
        classes: summary.classes,
        inputShape: summary.inputShape,
      },
    },
    userData: file.value,
  };
}

function conflictWithSpec(
  data: Record<string, unknown>,
  summary: UserDataSummary,
): string | undefined {
  if (typeof data.sha256 === 'string') {
    const mismatch = describeDataMismatch(
      {
        file: data.file as string,
        sha256: data.sha256,
        rows: Number(data.rows),
        classes: Number(data.classes ?? summary.classes),
        inputShape: Array.isArray(data.inputShape) ? data.inputShape : summary.inputShape,
      },
      summary,
    );
    return mismatch && `${mismatch}.`;
  }
  for (const field of ['rows', 'classes'] as const) {
    if (data[field] !== undefined && data[field] !== summary[field]) {
      return `data.${field} is ${JSON.stringify(data[field])}, but ${summary.file} has ${summary[field]} ${field}; leave it out, it is read from the file`;
    }
  }
  if (
    summary.source === 'csv' &&
    data.inputShape !== undefined &&
    JSON.stringify(data.inputShape) !== JSON.stringify(summary.inputShape)
  ) {
    return `data.inputShape is ${JSON.stringify(data.inputShape)}, but the rows of ${summary.file} have ${summary.inputShape[0]} features; leave it out, it is read from the file`;
  }
  return undefined;
}

type Read<T> = { ok: true; value: T } | { ok: false; error: string };

const errorCode = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * data.file's real path (links resolved), when it is inside the spec's folder or
 * `allowOutside`, and a regular file or a folder: a FIFO would hang the read, a device
 * would never end, so neither is opened.
 */
async function locateDataFile(
  specPath: string,
  named: string,
  { allowOutside = false }: DataFileOptions,
): Promise<Read<string>> {
  let folder: string;
  let path: string;
  try {
    folder = await realpath(dirname(resolve(specPath)));
    path = await realpath(resolve(folder, named));
  } catch (error) {
    return { ok: false, error: `cannot read data.file ${named} (${errorCode(error)})` };
  }
  const inside = relative(folder, path);
  if (!allowOutside && (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))) {
    return {
      ok: false,
      error: `data.file ${named} is outside the spec's folder ${folder} (it is ${path}); move the data beside the spec, or pass --allow-outside-data to read it anyway`,
    };
  }
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return { ok: false, error: `cannot read data.file ${named} (${errorCode(error)})` };
  }
  if (!info.isFile() && !info.isDirectory()) {
    return {
      ok: false,
      error: `data.file ${named} is ${specialKind(info)}, not a file or a folder; it was not read`,
    };
  }
  return { ok: true, value: path };
}

function specialKind(info: import('node:fs').Stats): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'neither a file nor a folder';
}

/** A CSV file, or a directory or .zip of class folders, as the engine takes it. */
async function readDataPath(
  path: string,
  source: string,
  named: string,
): Promise<Read<UserDataFile>> {
  const cannot = (error: unknown) => ({
    ok: false as const,
    error: `cannot read data.file ${named} (${errorCode(error)})`,
  });
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return cannot(error);
  }
  if (source === 'csv' || !info.isDirectory()) {
    if (info.isDirectory())
      return { ok: false, error: `data.file ${named} is a folder, not a CSV file` };
    if (info.size > MAX_USER_FILE_BYTES) {
      return {
        ok: false,
        error: `${named}: It is larger than the ${MAX_USER_FILE_BYTES / 1024 ** 2} MB EMC Lab reads.`,
      };
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      return cannot(error);
    }
    if (source === 'csv') return { ok: true, value: { kind: 'csv', name: named, bytes } };
    const entries = readZip(bytes, named);
    return entries.ok
      ? { ok: true, value: { kind: 'images', name: named, entries: entries.value } }
      : entries;
  }
  try {
    return { ok: true, value: { kind: 'images', name: named, entries: await readTree(path) } };
  } catch (error) {
    return cannot(error);
  }
}

/** Every file under `root`, with "/"-separated paths relative to it. */
async function readTree(root: string): Promise<ImageEntry[]> {
  const entries: ImageEntry[] = [];
  let total = 0;
  for (const item of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!item.isFile()) continue;
    const full = join(item.parentPath, item.name);
    const bytes = new Uint8Array(await readFile(full));
    entries.push({ path: relative(root, full).split(sep).join('/'), bytes });
    // Past the limit, the engine refuses the folder with its size; no need to read on.
    total += bytes.length;
    if (total > MAX_USER_FILE_BYTES) break;
  }
  return entries;
}
