import {
  CartesianGrid,
  ErrorBar,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useState } from 'react';
import type { ExperimentSpec, PointResult } from '../../engine/index.ts';
import { sweepPoints } from '../../engine/experiment/sweepPoints.ts';
import { type ModelShape, parameterCount } from '../../engine/experiment/modelShapes.ts';
import { useCompareStore } from '../../stores/compareStore.ts';
import { useFormCheck } from '../../stores/configStore.ts';
import { useRunStore } from '../../stores/runStore.ts';
import { useComparisonLabels } from '../../stores/useComparisonLabels.ts';
import {
  BUDGET_LIMITED_LABEL,
  BudgetLimitedMarker,
  EmcDot,
  type MarkerProps,
  PinnedMarker,
  PROJECTOR_MARKER_SCALE,
  SEED_LABEL,
  SeedMark,
  UNVERIFIED_LABEL,
  UnverifiedMarker,
} from './EmcMarkers.tsx';
import { type EfficiencyUnit, isUnverified, trainedUnits } from '../../share/verdicts.ts';
import { shapeOf, ModelDiagramView } from '../model/ModelDiagramView.tsx';
import { OKABE_ITO } from './palette.ts';

/** The current run's colour (Okabe–Ito vermillion; its markers also differ in shape). */
const CURRENT = OKABE_ITO.vermillion;

/** Colours for pinned runs, in order: the rest of Okabe and Ito's palette. */
const PALETTE = [
  OKABE_ITO.blue,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.orange,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
];

/**
 * What the x axis counts. A run in a random subspace or with low-precision weights can be
 * read against what trained (d, or bits × trained parameters), as the paper's later version
 * compares parameter efficiency; every other run against the network's parameters.
 */
export const AXIS_WORDS: Record<
  EfficiencyUnit,
  { option: string; axis: string; unit: string; caption: string }
> = {
  parameter: {
    option: "the network's parameters",
    axis: 'parameters',
    unit: 'parameters',
    caption: 'EMC vs parameter count',
  },
  'trained-parameter': {
    option: 'trained parameters (d in a random subspace)',
    axis: 'trained parameters',
    unit: 'trained parameters',
    caption: 'EMC vs trained parameters',
  },
  bit: {
    option: 'bits (bits × trained parameters)',
    axis: 'bits of trained parameters',
    unit: 'bits',
    caption: 'EMC vs bits of trained parameters',
  },
};

/** The spec trains other numbers than its weights: a random subspace, or rounded weights. */
export function isReparameterized(spec: ExperimentSpec | null | undefined): boolean {
  return Boolean(spec?.model.subspace || spec?.model.precision);
}

export interface EmcDatum {
  /** The x value: parameters, trained parameters or bits (the chart's axis). */
  params: number;
  /** The network's parameters, whatever the axis. */
  parameters: number;
  /** What `params` counts, in words ("trained parameters"). */
  unit: string;
  emc: number;
  /**
   * [below, above] the mark: with one seed, its bracket around the EMC; with more, the
   * spread of the seeds' EMCs around their mean (mean ± std).
   */
  error: [number, number];
  model: string;
  /** Only a lower bound: drawn as a hollow triangle. */
  budgetLimited: boolean;
  /** Its decisive "does not fit" was not checked by longer training: a hollow diamond. */
  unverified: boolean;
  /** Each seed's EMC, by seed index. */
  seeds: number[];
  /** Sample standard deviation of the seeds' EMCs (0 with one seed). */
  std: number;
  /** The model's architecture, drawn in the tooltip. */
  shape?: ModelShape;
}

/** The main result: EMC against parameter count, log–log, with the samples = parameters line. */
export function EmcChart({ projector = false }: { projector?: boolean } = {}) {
  const scale = projector ? PROJECTOR_MARKER_SCALE : 1;
  const points = useRunStore((state) => state.points);
  const spec = useRunStore((state) => state.spec);
  const planned = useRunStore((state) => state.planned);
  const pinned = useCompareStore((state) => state.pinned);
  const [axisChoice, setAxisChoice] = useState<EfficiencyUnit>('parameter');
  const formSpec = useFormCheck().check;
  const shownSpec = spec ?? (formSpec.ok ? formSpec.spec : null);
  const reparameterized =
    isReparameterized(shownSpec) || pinned.some((run) => isReparameterized(run.results.spec));
  const axis: EfficiencyUnit = reparameterized ? axisChoice : 'parameter';
  const words = AXIS_WORDS[axis];
  const data = points.filter((p) => p.emcMean > 0).map((p) => toDatum(p, spec, axis));
  const measured = data.filter((d) => !d.budgetLimited && !d.unverified);
  const limited = data.filter((d) => d.budgetLimited);
  const unverified = data.filter((d) => !d.budgetLimited && d.unverified);
  const seedMarks = seedMarksOf(data);
  const hidden = points.length - data.length;
  const labels = useComparisonLabels();
  const allOverlays = pinned.map((run, index) => ({
    id: run.id,
    name: labels.pinned[index] ?? `run ${index + 1}`,
    color: PALETTE[index % PALETTE.length] as string,
    data: run.results.points
      .filter((p) => p.emcMean > 0)
      .map((p) => toDatum(p, run.results.spec, axis)),
  }));
  // A pinned current run (a preset's last variant) is drawn once: as the current series,
  // under its pin's name and colour.
  const currentPin = allOverlays[labels.currentPin];
  const overlays = allOverlays.filter((overlay) => overlay !== currentPin);
  const currentName =
    currentPin?.name ?? (labels.current !== undefined ? `current (${labels.current})` : 'EMC');
  const currentColor = currentPin?.color ?? CURRENT;
  const anyLimited =
    limited.length > 0 || overlays.some((o) => o.data.some((d) => d.budgetLimited));
  const anyUnverified =
    unverified.length > 0 ||
    overlays.some((o) => o.data.some((d) => d.unverified && !d.budgetLimited));
  const params = [
    ...(planned.length > 0
      ? planned.map((p) => (spec ? trainedUnits(p, spec, axis) : p.parameterCount))
      : pinned.length
        ? []
        : formSpec.ok
          ? sweepParameterCounts(formSpec.spec, axis)
          : [10, 1000]),
    ...overlays.flatMap((o) => o.data.map((d) => d.params)),
  ];
  const xMin = Math.min(...params) / 1.5;
  const xMax = Math.max(...params) * 1.5;
  const yValues = data
    .flatMap((d) => [d.emc - d.error[0], d.emc + d.error[1], ...d.seeds])
    .filter((v) => v > 0);
  const yMin = Math.min(xMin, ...yValues) / 1.5;
  const yMax = Math.max(xMax, ...yValues) * 1.5;
  const reference = [
    { params: xMin, emc: xMin },
    { params: xMax, emc: xMax },
  ];

  return (
    <figure
      className="chart"
      data-testid="emc-chart"
      data-points={points.length}
      data-series={overlays.length + (points.length > 0 ? 1 : 0)}
      tabIndex={-1}
      data-budget-limited-points={limited.length}
      data-unverified-points={unverified.length}
      data-seed-marks={seedMarks.length}
      data-marker-scale={scale}
      data-axis={axis}
    >
      <figcaption>
        {words.caption} <TableLink />
        {reparameterized && (
          <label className="chart-axis-choice">
            {' '}
            x axis:{' '}
            <select
              data-testid="emc-axis"
              value={axis}
              onChange={(event) => setAxisChoice(event.target.value as EfficiencyUnit)}
            >
              {(Object.keys(AXIS_WORDS) as EfficiencyUnit[]).map((unit) => (
                <option key={unit} value={unit}>
                  {AXIS_WORDS[unit].option}
                </option>
              ))}
            </select>
          </label>
        )}
      </figcaption>
      <div className="emc-plot">
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="params"
              name={words.unit}
              scale="log"
              domain={[xMin, xMax]}
              tickFormatter={compact}
              label={{ value: words.axis, position: 'insideBottom', offset: -10 }}
              allowDataOverflow
            />
            <YAxis
              type="number"
              dataKey="emc"
              name="EMC"
              scale="log"
              domain={[yMin, yMax]}
              tickFormatter={compact}
              label={{ value: 'EMC (samples)', angle: -90, position: 'insideLeft' }}
              allowDataOverflow
            />
            <Tooltip content={<EmcTooltip />} />
            <Legend verticalAlign="top" />
            <Scatter
              name={`samples = ${words.unit}`}
              data={reference}
              line={{ stroke: '#888', strokeDasharray: '6 4' }}
              shape={() => <g />}
              isAnimationActive={false}
              legendType="plainline"
            />
            {overlays.map((overlay) => (
              <Scatter
                key={overlay.id}
                name={overlay.name}
                data={overlay.data}
                fill={overlay.color}
                line={{ stroke: overlay.color }}
                shape={(props: MarkerProps) => (
                  <PinnedMarker {...props} color={overlay.color} scale={scale} />
                )}
                isAnimationActive={false}
              >
                <ErrorBar dataKey="error" direction="y" width={5} stroke={overlay.color} />
              </Scatter>
            ))}
            {seedMarks.length > 0 && (
              // Under the means: a hovered seed mark shows its point's tooltip.
              <Scatter
                name={SEED_LABEL}
                data={seedMarks}
                fill={currentColor}
                legendType="circle"
                isAnimationActive={false}
                shape={(props: MarkerProps) => (
                  <SeedMark {...props} color={currentColor} scale={scale} />
                )}
              />
            )}
            <Scatter
              name={currentName}
              data={measured}
              fill={currentColor}
              isAnimationActive={false}
              shape={(props: MarkerProps) => (
                <EmcDot {...props} color={currentColor} scale={scale} />
              )}
            >
              <ErrorBar dataKey="error" direction="y" width={6} stroke={currentColor} />
            </Scatter>
            {anyLimited && (
              // A series of its own, so the legend explains the triangles (pinned runs' too).
              <Scatter
                name={BUDGET_LIMITED_LABEL}
                data={limited}
                fill={currentColor}
                legendType="triangle"
                isAnimationActive={false}
                shape={(props: MarkerProps) => (
                  <BudgetLimitedMarker {...props} color={currentColor} scale={scale} />
                )}
              >
                <ErrorBar dataKey="error" direction="y" width={6} stroke={currentColor} />
              </Scatter>
            )}
            {anyUnverified && (
              // Its own series too, so the legend explains the diamonds.
              <Scatter
                name={UNVERIFIED_LABEL}
                data={unverified}
                fill={currentColor}
                legendType="diamond"
                isAnimationActive={false}
                shape={(props: MarkerProps) => (
                  <UnverifiedMarker {...props} color={currentColor} scale={scale} />
                )}
              >
                <ErrorBar dataKey="error" direction="y" width={6} stroke={currentColor} />
              </Scatter>
            )}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      {anyLimited && (
        <p className="chart-note" data-testid="budget-limited-note">
          Hollow triangles are budget-limited points, lower bounds: the smallest N that did not fit
          was still undecided at the step cap. Raise train.maxSteps to decide them.
        </p>
      )}
      {anyUnverified && (
        <p className="chart-note" data-testid="unverified-note">
          Hollow diamonds are unverified points: a decisive &ldquo;does not fit&rdquo; was not
          trained on longer to check it (search.verify).
        </p>
      )}
      {seedMarks.length > 0 && (
        <p className="chart-note">
          With several seeds, small circles are each seed&apos;s EMC and the bar is the mean ± one
          standard deviation; with one seed, the bar is its bracket.
        </p>
      )}
      {hidden > 0 && (
        <p className="chart-note">
          {hidden} point{hidden > 1 ? 's' : ''} with EMC 0 cannot be drawn on log axes (see the
          table).
        </p>
      )}
    </figure>
  );
}

/**
 * The parameter counts the form's sweep will train: an empty chart's axes span them, so the
 * chart shows where the points will land before the first one does.
 */
export function sweepParameterCounts(
  spec: ExperimentSpec,
  axis: EfficiencyUnit = 'parameter',
): number[] {
  return sweepPoints(spec).map(({ width, dimension }) =>
    trainedUnits({ parameterCount: parameterCount(shapeOf(spec, width)), dimension }, spec, axis),
  );
}

export function toDatum(
  point: PointResult,
  spec?: ExperimentSpec,
  axis: EfficiencyUnit = 'parameter',
): EmcDatum {
  const seeds = [...point.seeds].sort((a, b) => a.seedIndex - b.seedIndex);
  let error: [number, number];
  if (seeds.length > 1) {
    // Several seeds: the mean ± one standard deviation (each seed is drawn on its own).
    error = [Math.min(point.emcStd, point.emcMean), point.emcStd];
  } else {
    const lows = seeds.map((s) => s.bracket[0]);
    const highs = seeds.map((s) => s.bracket[1] ?? s.bracket[0]);
    const low = Math.min(point.emcMean, ...lows);
    const high = Math.max(point.emcMean, ...highs);
    error = [Math.max(0, point.emcMean - low), Math.max(0, high - point.emcMean)];
  }
  return {
    params: spec ? trainedUnits(point, spec, axis) : point.parameterCount,
    parameters: point.parameterCount,
    unit: AXIS_WORDS[spec ? axis : 'parameter'].unit,
    emc: point.emcMean,
    error,
    model: point.model,
    budgetLimited: point.budgetLimited,
    unverified: isUnverified(point),
    seeds: seeds.map((s) => s.emc),
    std: point.emcStd,
    shape: spec ? shapeOf(spec, point.width) : undefined,
  };
}

/** One seed's EMC, drawn beside its point's mean; hovering it tells the point. */
export interface SeedDatum {
  params: number;
  emc: number;
  point: EmcDatum;
}

/** A small mark per seed of every point with more than one (EMC 0 is off the log axes). */
export function seedMarksOf(data: readonly EmcDatum[]): SeedDatum[] {
  return data
    .filter((d) => d.seeds.length > 1)
    .flatMap((d) =>
      d.seeds.filter((emc) => emc > 0).map((emc) => ({ params: d.params, emc, point: d })),
    );
}

/** The tooltip's words for a point: its EMC, whether it is checked, and its seeds. */
export function tooltipText(datum: EmcDatum): string {
  const mean = `${datum.budgetLimited ? '≥ ' : ''}${compact(datum.emc)}`;
  const spread = datum.seeds.length > 1 ? ` ± ${datum.std.toFixed(1)}` : '';
  const unverified = datum.unverified ? ', unverified' : '';
  const seeds =
    datum.seeds.length > 1 ? `; seeds: ${datum.seeds.map((e) => compact(e)).join(', ')}` : '';
  const trained =
    datum.params === datum.parameters && datum.unit === 'parameters'
      ? ''
      : ` (${compact(datum.params)} ${datum.unit})`;
  return `EMC ${mean}${spread}${unverified}, ${compact(datum.parameters)} parameters${trained}${seeds}`;
}

/** A hovered point: its model, drawn, its parameters and EMC. */
function EmcTooltip({
  active,
  payload,
}: {
  active?: boolean;
  payload?: { payload?: EmcDatum | SeedDatum }[];
}) {
  const hovered = payload?.[0]?.payload;
  const datum = hovered && 'point' in hovered ? hovered.point : hovered;
  if (!active || !datum || datum.model === undefined) return null;
  return (
    <div className="emc-tooltip" data-testid="emc-tooltip">
      <strong>{datum.model}</strong>: {tooltipText(datum)}
      {datum.shape && <ModelDiagramView shape={datum.shape} compact />}
    </div>
  );
}

/** Every chart's text alternative is the results table: one click (or key) away. */
export function TableLink() {
  return (
    <button
      type="button"
      className="link-button"
      onClick={() => {
        const table = document.querySelector<HTMLElement>('[data-testid="results-table"]');
        table?.scrollIntoView({ block: 'center' });
        table?.focus();
      }}
    >
      (as a table)
    </button>
  );
}

export function compact(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (value >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}
