import { open, stat } from 'node:fs/promises';
import {
  MAX_RESULTS_FILE_BYTES,
  type ParsedResults,
  parseResultsFile,
  resultsFileSizeProblem,
} from '../share/resultsFile.ts';
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
      error: `${info.isDirectory() ? 'It is a folder' : 'It is not a regular file'}, not a results file; it was not read.`,
    };
  }
  const tooLarge = resultsFileSizeProblem(info.size);
  if (tooLarge) return { ok: false, error: tooLarge };
  let bytes: Buffer;
  try {
    bytes = await readAtMost(path, MAX_RESULTS_FILE_BYTES + 1);
  } catch (error) {
    return cannot(failureCode(error));
  }
  const grown = resultsFileSizeProblem(bytes.length);
  if (grown) return { ok: false, error: grown };
  return parseResultsFile(bytes.toString('utf8'));
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
