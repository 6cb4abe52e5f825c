import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExperimentResults } from '../engine/index.ts';
import { EXIT_INVALID } from './exitCodes.ts';

/** The one-line reason a file system call failed: its code (ENOSPC, EACCES…), else its message. */
export function failureCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return code;
  return String((error as Error | undefined)?.message ?? error).split('\n')[0] as string;
}

/**
 * Why `path` cannot take the results, or undefined: checked before a run trains, so that a
 * mistyped --out costs seconds, not the run. A new or regular file needs a folder where a
 * file can be created (one is, then removed: a read-only mount passes a permission check);
 * an existing device or pipe (/dev/stdout, `>(…)`) is written in place and needs only
 * write permission (unless `fileOnly`).
 */
export async function outputProblem(
  path: string,
  { fileOnly = false }: { fileOnly?: boolean } = {},
): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if (failureCode(error) !== 'ENOENT') return `cannot write ${path} (${failureCode(error)})`;
  }
  if (info?.isDirectory()) return `cannot write ${path}: it is a folder`;
  if (info && !info.isFile()) {
    // A shard's part is read back on a re-run: a pipe would hang it.
    if (fileOnly) return `cannot use ${path}: it is not a regular file`;
    try {
      await access(path, constants.W_OK);
      return undefined;
    } catch (error) {
      return `cannot write ${path} (${failureCode(error)})`;
    }
  }
  const folder = dirname(resolve(path));
  try {
    if (info) await access(path, constants.W_OK);
    const probe = temporaryBeside(path);
    await (await open(probe, 'wx')).close();
    await unlink(probe);
  } catch (error) {
    const code = failureCode(error);
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? `cannot write ${path}: the folder ${folder} does not exist`
      : `cannot write ${path} (${code})`;
  }
  return undefined;
}

/** A fresh hidden name in the folder of `path` (a rename within one file system is atomic). */
function temporaryBeside(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** How the bytes reach the disk; a test passes one that fails part-way. */
export type WriteChunk = (handle: FileHandle, text: string) => Promise<unknown>;

const writeAll: WriteChunk = (handle, text) => handle.writeFile(text);

/**
 * Writes `text` to `path` so that a reader (or a crash, or a full disk) never sees half of
 * it: to a temporary file in the same folder, flushed to the disk (fsync), then renamed over
 * `path`. On failure the temporary file is removed and `path` keeps what it held. A device
 * or pipe (/dev/stdout, /dev/full) is written directly: it cannot be renamed over.
 */
export async function writeFileAtomically(
  path: string,
  text: string,
  write: WriteChunk = writeAll,
): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    const handle = await open(path, 'w');
    try {
      await write(handle, text);
    } finally {
      await handle.close();
    }
    return;
  }
  const temporary = temporaryBeside(path);
  const handle = await open(temporary, 'wx');
  try {
    try {
      await write(handle, text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Where results went: the file asked for, or a rescue file after that write failed. */
export type SaveOutcome =
  { ok: true; path: string } | { ok: false; problem: string; rescuedTo: string | 'stdout' };

/**
 * Saves a finished run's results to `path`; when that fails (full disk, folder removed
 * mid-run), to a rescue file named after the run in the OS temp folder, else the current
 * folder, else stdout: hours of training are never lost to a write error.
 */
export async function saveResults(
  path: string,
  text: string,
  write: WriteChunk = writeAll,
): Promise<SaveOutcome> {
  try {
    await writeFileAtomically(path, text, write);
    return { ok: true, path };
  } catch (error) {
    const problem = `cannot write ${path} (${failureCode(error)})`;
    const name = `emc-lab-rescued-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.json`;
    for (const folder of [tmpdir(), process.cwd()]) {
      const rescue = join(folder, name);
      try {
        await writeFileAtomically(rescue, text);
        return { ok: false, problem, rescuedTo: rescue };
      } catch {
        // The next place is tried; stdout is the last.
      }
    }
    process.stdout.write(text);
    return { ok: false, problem, rescuedTo: 'stdout' };
  }
}

/** The one line that reports a failed save. */
export function describeRescue(outcome: Extract<SaveOutcome, { ok: false }>): string {
  return outcome.rescuedTo === 'stdout'
    ? `${outcome.problem}; no other place was writable either, so the results follow on stdout`
    : `${outcome.problem}; the results were saved to ${outcome.rescuedTo} instead`;
}

/**
 * A mistyped --out is refused before anything trains, not after: EXIT_INVALID once the
 * problem is on stderr, undefined when `out` is absent or can take the results.
 */
export async function refuseOutput(
  out: string | undefined,
  options: { fileOnly?: boolean } = {},
): Promise<number | undefined> {
  if (out === undefined) return undefined;
  const problem = await outputProblem(out, options);
  if (!problem) return undefined;
  process.stderr.write(`emc-lab: ${problem}\n`);
  return EXIT_INVALID;
}

/**
 * Writes results to `out` atomically (stdout without one); when that fails, to a rescue
 * file, saying where in one line. False when they did not reach `out`.
 */
export async function writeResults(
  results: ExperimentResults,
  out: string | undefined,
  done: string,
): Promise<boolean> {
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (!out) {
    process.stdout.write(json);
    return true;
  }
  const saved = await saveResults(out, json);
  if (!saved.ok) {
    process.stderr.write(`emc-lab: ${describeRescue(saved)}\n`);
    return false;
  }
  process.stderr.write(`emc-lab: ${done} ${out}\n`);
  return true;
}
