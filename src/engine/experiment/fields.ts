import type { ExperimentSpecInput } from './schema.ts';

/**
 * A spec (or any plain object) as its leaf fields by dotted path ("train.batchSize"), arrays
 * kept whole: what comparisons of two specs need ("which fields differ?").
 */
export function leafFields(
  value: unknown,
  prefix = '',
  into = new Map<string, unknown>(),
): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      leafFields(child, prefix ? `${prefix}.${key}` : key, into);
    }
  } else {
    into.set(prefix, value);
  }
  return into;
}

/** The dotted path of every leaf field a spec can hold ("train.batchSize"), arrays whole. */
export type SpecPath = LeafPaths<Omit<ExperimentSpecInput, 'version'>>;

type LeafPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends readonly unknown[]
    ? `${Prefix}${K}`
    : NonNullable<T[K]> extends object
      ? LeafPaths<NonNullable<T[K]>, `${Prefix}${K}.`>
      : `${Prefix}${K}`;
}[keyof T & string];
