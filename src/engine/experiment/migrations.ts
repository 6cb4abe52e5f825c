import { DEFAULT_PATIENCE_STEPS, SPEC_VERSION } from './schema.ts';

/**
 * One function per old spec version, turning a version-n spec into version n + 1, and
 * saying in a sentence what it reinterpreted (shown where the old link or file is opened).
 * Links and results files live forever, so a spec change that is not purely additive bumps
 * SPEC_VERSION and adds its migration here (with a test decoding a real old link).
 */
export type Migration = (spec: Record<string, unknown>) => {
  spec: Record<string, unknown>;
  note?: string;
};

export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  /**
   * Version 2 counts budgets in optimizer steps. Version 1's maxEpochs was the budget after
   * which a probe "did not fit"; it is kept as the first budget, which an inconclusive probe
   * now extends up to train.maxSteps (whose default applies), with the convergence check's
   * default tolerances. The fields are unchanged, so the spec carries over as it is.
   */
  1: (spec) => ({ spec }),
  /**
   * Version 3 counts train.patience in optimizer steps, where version 2 counted epochs (at
   * N = 68 and batch 64, 15 epochs were 30 steps). A version-2 patience of P epochs becomes
   * P epochs at the pool size (the most patient the old spec ever was), and never less than
   * the version-3 default: an old spec can only get more patient. Verification
   * (search.verify) is on, as for every new spec.
   */
  2: (spec) => {
    const train = asRecord(spec.train);
    const data = asRecord(spec.data);
    const patience = train.patience;
    if (typeof patience !== 'number' || !Number.isFinite(patience)) return { spec };
    const pool = typeof data.poolSize === 'number' && data.poolSize > 0 ? data.poolSize : 1;
    const batch =
      train.batchSize === 'full' || typeof train.batchSize !== 'number' || train.batchSize < 1
        ? pool
        : Math.min(train.batchSize, pool);
    const stepsPerEpochAtPool = Math.ceil(pool / batch);
    const steps = Math.max(DEFAULT_PATIENCE_STEPS, Math.round(patience) * stepsPerEpochAtPool);
    return {
      spec: { ...spec, train: { ...train, patience: steps } },
      note: `This experiment was saved by an older EMC Lab, whose patience counted epochs: its patience of ${patience} epochs now reads as ${steps} optimizer steps (${patience} epochs at the pool of ${pool}${steps > patience * stepsPerEpochAtPool ? `, raised to the default of ${DEFAULT_PATIENCE_STEPS}` : ''}), and every verdict is verified. Results may differ from the old run's.`,
    };
  },
};

export type Migrated =
  { ok: true; spec: Record<string, unknown>; notes: string[] } | { ok: false; error: string };

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
  const notes: string[] = [];
  for (let v = version; v < target; v++) {
    const migrate = migrations[v];
    if (!migrate) return { ok: false, error: `spec version ${v} can no longer be read` };
    const step = migrate(spec);
    if (step.note) notes.push(step.note);
    spec = { ...step.spec, version: v + 1 };
  }
  return { ok: true, spec, notes };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
