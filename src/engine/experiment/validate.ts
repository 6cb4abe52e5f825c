import type { z } from 'zod';
import { migrateSpec } from './migrations.ts';
import { type ExperimentSpec, experimentSpecSchema } from './schema.ts';

/**
 * A spec that was checked: either the runnable spec or every problem, each naming its field.
 * `unreadable`: no version of EMC Lab this one can read made it (not an object, no version,
 * a newer or retired version); `errors` then holds the one reason.
 */
export type SpecCheck =
  | {
      ok: true;
      spec: ExperimentSpec;
      /** What migrating an older version reinterpreted, for the person who opened it. */
      migrationNotes?: string[];
    }
  | { ok: false; errors: string[]; unreadable?: boolean };

/**
 * The one door for untrusted specs (a link, a results file, a saved run, the CLI, a form):
 * migrates an older version, then checks it against the schema. Never throws: a person
 * gets messages such as `train.learningRate: must be greater than 0`.
 */
export function readSpec(input: unknown): SpecCheck {
  const migrated = migrateSpec(input);
  if (!migrated.ok) return { ok: false, unreadable: true, errors: [migrated.error] };
  const result = experimentSpecSchema.safeParse(migrated.spec, { reportInput: true });
  if (result.success) {
    return migrated.notes.length > 0
      ? { ok: true, spec: result.data, migrationNotes: migrated.notes }
      : { ok: true, spec: result.data };
  }
  return { ok: false, errors: result.error.issues.map(describeIssue) };
}

/** Like readSpec, for trusted call sites (tests, presets): throws with all messages. */
export function parseSpec(input: unknown): ExperimentSpec {
  const check = readSpec(input);
  if (!check.ok) throw new InvalidSpecError(check.errors);
  return check.spec;
}

export class InvalidSpecError extends Error {
  constructor(readonly errors: string[]) {
    super(`Invalid experiment spec:\n  ${errors.join('\n  ')}`);
    this.name = 'InvalidSpecError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : 'spec';
  return `${field}: ${humanMessage(issue)}`;
}

function humanMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${issue.minimum} entries`;
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive === false
        ? `must be greater than ${issue.minimum}`
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} entries`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return issue.inclusive === false
        ? `must be less than ${issue.maximum}`
        : `must be at most ${issue.maximum}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int') return 'must be a whole number';
      return `must be ${article(issue.expected)} (got ${describeValue(issue.input)})`;
    case 'invalid_union':
      return 'must be a whole number or "full"';
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}
