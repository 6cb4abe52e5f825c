import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

/**
 * A spec on the user's own data names a file (data.file, relative to the spec file): this
 * reads it, checks it, and fills in what the lab fills in when a file is loaded (hash, rows,
 * classes, input shape). Fields the spec already gives must agree with the file: a spec made
 * in the lab runs only on the data it was made with.
 */
export async function withUserData(raw: unknown, specPath: string): Promise<SpecWithData> {
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
  const path = resolve(dirname(specPath), data.file);
  const file = await readDataPath(path, data.source, data.file);
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

/** A CSV file, or a directory or .zip of class folders, as the engine takes it. */
async function readDataPath(
  path: string,
  source: string,
  named: string,
): Promise<Read<UserDataFile>> {
  const cannot = (error: unknown) => ({
    ok: false as const,
    error: `cannot read data.file ${named} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
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
