import type { ExperimentSpec } from './schema.ts';

/** One model of a sweep: a width, and in a random-subspace sweep, a dimension. */
export interface SweepPoint {
  width: number;
  /** The random subspace's d (sweep.dimensions, else model.subspace.dimension). */
  dimension?: number;
}

/**
 * The sweep's models in the order they are measured (and indexed: pointIndex): width by
 * width, and within a width every subspace dimension of sweep.dimensions in its order.
 */
export function sweepPoints(spec: Pick<ExperimentSpec, 'model' | 'sweep'>): SweepPoint[] {
  const { subspace } = spec.model;
  const dimensions = subspace ? (spec.sweep.dimensions ?? [subspace.dimension]) : [undefined];
  return spec.sweep.widths.flatMap((width) =>
    dimensions.map((dimension) => (dimension === undefined ? { width } : { width, dimension })),
  );
}
