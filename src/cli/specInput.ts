import { readSpec, type SpecCheck, type UserDataFile } from '../engine/index.ts';
import { EXIT_INVALID } from './exitCodes.ts';
import { choosePresetVariant } from './presetChoice.ts';
import { readSpecText } from './resultsInput.ts';
import { USAGE } from './usage.ts';
import { type DataFileOptions, withUserData } from './userDataFile.ts';

/** Where the spec to measure comes from: a SPEC.json path, or a preset and its variant. */
export interface SpecArgs {
  specPath?: string;
  preset?: string;
  variant?: string;
  /** --allow-outside-data: the spec's data.file may lie outside its folder. */
  allowOutsideData?: boolean;
}

/** `origin` names the spec in messages: its path, or the preset and variant. */
export type ResolvedSpec =
  | { ok: true; origin: string; check: SpecCheck; userData?: UserDataFile }
  | { ok: false; error: string };

/**
 * The spec `run` measures: the file's contents, or `variantSpec(preset, K)` checked exactly
 * as if it had been saved to a file. `ok: false` is a mistake in the arguments; a spec that
 * fails validation comes back as a failed `check`.
 */
export async function resolveRunSpec({
  specPath,
  preset,
  variant,
  allowOutsideData,
}: SpecArgs): Promise<ResolvedSpec> {
  if (preset !== undefined && specPath) {
    return {
      ok: false,
      error: `give a SPEC.json or --preset ID, not both (got ${specPath} and --preset ${preset})`,
    };
  }
  if (preset !== undefined) {
    const choice = choosePresetVariant(preset, variant);
    if (!choice.ok) return choice;
    return { ok: true, origin: choice.origin, check: readSpec(choice.spec) };
  }
  if (variant !== undefined) return { ok: false, error: '--variant goes with --preset ID' };
  if (!specPath) return { ok: false, error: 'no spec: give a SPEC.json or --preset ID' };
  const file = await readSpecFile(specPath, { allowOutside: allowOutsideData });
  if ('error' in file) return file;
  return { ok: true, origin: specPath, ...file };
}

/**
 * A spec file, checked; with the user's data it names (data.file, relative to the spec)
 * read and checked too. Data that cannot be read is an argument error, named.
 */
async function readSpecFile(
  path: string,
  dataOptions: DataFileOptions,
): Promise<{ check: SpecCheck; userData?: UserDataFile } | { ok: false; error: string }> {
  const refused = (error: string) => ({ check: { ok: false as const, errors: [error] } });
  const read = await readSpecText(path);
  if (!read.ok) return refused(read.code ? `cannot read the file (${read.code})` : read.error);
  let raw: unknown;
  try {
    raw = JSON.parse(read.text);
  } catch (error) {
    return refused(`not valid JSON: ${(error as Error).message}`);
  }
  const withData = await withUserData(raw, path, dataOptions);
  if (!withData.ok) return { ok: false, error: `${path}: ${withData.error}` };
  return { check: readSpec(withData.spec), userData: withData.userData };
}

/**
 * The spec run and validate measure, checked, or the exit code after saying on stderr what is
 * wrong with it (every validation problem, one a line). Migration notes go to stderr too.
 */
export async function checkedSpec(
  command: string,
  args: SpecArgs,
): Promise<
  { ok: true; origin: string; check: SpecCheck & { ok: true }; userData?: UserDataFile } | number
> {
  if (!args.specPath && args.preset === undefined) {
    const needs = command === 'run' ? 'a SPEC.json or --preset ID' : 'a SPEC.json';
    process.stderr.write(`emc-lab: ${command} needs ${needs}\n\n${USAGE}\n`);
    return EXIT_INVALID;
  }
  const resolved = await resolveRunSpec(args);
  if (!resolved.ok) {
    process.stderr.write(`emc-lab: ${resolved.error}\n`);
    return EXIT_INVALID;
  }
  const { origin, check, userData } = resolved;
  if (!check.ok) {
    process.stderr.write(`emc-lab: ${origin} is not a valid experiment spec:\n`);
    for (const error of check.errors) process.stderr.write(`  ${error}\n`);
    return EXIT_INVALID;
  }
  for (const note of check.migrationNotes ?? []) process.stderr.write(`emc-lab: ${note}\n`);
  return { ok: true, origin, check, ...(userData ? { userData } : {}) };
}
