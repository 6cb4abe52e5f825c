import { open, stat } from 'node:fs/promises';
import {
  fileSizeProblem,
  MAX_RESULTS_FILE_BYTES,
  type ParsedResults,
  parseResultsFile,
  resultsFileSizeProblem,
} from '../share/resultsFile.ts';
import type { ExperimentResults } from '../engine/index.ts';
import { failureCode } from './outputFile.ts';

export type ReadResults =
  | ParsedResults
  /** The file could not be opened or read: `code` is the system's (ENOENT, EACCES…). */
  | { ok: false; code: string; error: string };

/**
 * Reads a results file (merge, gap, a shard's part on a re-run) within the limits of
 * results files: only a regular file (a pipe would hang, a device never end), its size
 * checked on the file system before anything is read, and the read itself stops past the
 * limit (a file that grew meanwhile is refused, not read whole).
 */
export async function readResultsFile(path: string): Promise<ReadResults> {
  const read = await readFileWithin(path, MAX_RESULTS_FILE_BYTES, 'a results file', (bytes) =>
    resultsFileSizeProblem(bytes),
  );
  return read.ok ? parseResultsFile(read.text) : read;
}

/**
 * A spec is a few kilobytes (its data lives in files of their own): at most this many bytes
 * are read, as many as the lab's bound on a link's decompressed text.
 */
export const MAX_SPEC_FILE_BYTES = 1_000_000;

/** Reads a spec file within MAX_SPEC_FILE_BYTES, a regular file only, as readResultsFile reads. */
export function readSpecText(path: string) {
  return readFileWithin(path, MAX_SPEC_FILE_BYTES, 'a spec', (bytes) =>
    fileSizeProblem(bytes, MAX_SPEC_FILE_BYTES, 'spec'),
  );
}

/**
 * The text of the regular file at `path`, refused unread when the file system says it is
 * larger than `limit` (`tooLarge` words why), and refused when it grew past the limit while
 * being read: the read stops there instead of taking the file whole.
 */
async function readFileWithin(
  path: string,
  limit: number,
  what: string,
  tooLarge: (bytes: number) => string | undefined,
): Promise<{ ok: true; text: string } | { ok: false; code?: string; error: string }> {
  const cannot = (code: string) => ({
    ok: false as const,
    code,
    error: `cannot read it (${code})`,
  });
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return cannot(failureCode(error));
  }
  if (!info.isFile()) {
    return {
      ok: false,
      error: `${info.isDirectory() ? 'It is a folder' : 'It is not a regular file'}, not ${what}; it was not read.`,
    };
  }
  const large = tooLarge(info.size);
  if (large) return { ok: false, error: large };
  let bytes: Buffer;
  try {
    bytes = await readAtMost(path, limit + 1);
  } catch (error) {
    return cannot(failureCode(error));
  }
  const grown = tooLarge(bytes.length);
  if (grown) return { ok: false, error: grown };
  return { ok: true, text: bytes.toString('utf8') };
}

/** The first `limit` bytes of the file at `path` (all of it when shorter). */
async function readAtMost(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(limit - total, 1024 * 1024));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** Reads results files, or says on stderr which one cannot be read and why (then undefined). */
export async function readResultsFiles(
  paths: string[],
): Promise<{ name: string; results: ExperimentResults }[] | undefined> {
  const read: { name: string; results: ExperimentResults }[] = [];
  for (const path of paths) {
    const parsed = await readResultsFile(path);
    if (!parsed.ok) {
      process.stderr.write(
        'code' in parsed
          ? `emc-lab: cannot read ${path} (${parsed.code})\n`
          : `emc-lab: ${path}: ${parsed.error}\n`,
      );
      return undefined;
    }
    read.push({ name: path, results: parsed.results });
  }
  return read;
}
