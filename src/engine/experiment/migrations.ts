import { SPEC_VERSION } from './schema.ts';

/**
 * One function per old spec version, turning a version-n spec into version n + 1. Links and
 * results files live forever, so a spec change that is not purely additive bumps
 * SPEC_VERSION and adds its migration here (with a test decoding a real old link).
 */
export type Migration = (spec: Record<string, unknown>) => Record<string, unknown>;
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  /**
   * Version 2 counts budgets in optimizer steps. Version 1's maxEpochs was the budget after
   * which a probe "did not fit"; it is kept as the first budget, which an inconclusive probe
   * now extends up to train.maxSteps (whose default applies), with the convergence check's
   * default tolerances. The fields are unchanged, so the spec carries over as it is.
   */
  1: (spec) => spec,
};

export type Migrated = { ok: true; spec: Record<string, unknown> } | { ok: false; error: string };

/** Brings a spec of any known version up to `target`, or says why it cannot. */
export function migrateSpec(
  input: unknown,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
  target: number = SPEC_VERSION,
): Migrated {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: 'the experiment is not a JSON object' };
  }
  let spec = input as Record<string, unknown>;
  const version = spec.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, error: 'the experiment has no valid version number' };
  }
  if (version > target) {
    return {
      ok: false,
      error: `it was made by a newer EMC Lab (spec version ${version}; this one understands up to ${target}). Update EMC Lab to open it`,
    };
  }
  for (let v = version; v < target; v++) {
    const migrate = migrations[v];
    if (!migrate) return { ok: false, error: `spec version ${v} can no longer be read` };
    spec = { ...migrate(spec), version: v + 1 };
  }
  return { ok: true, spec };
}
