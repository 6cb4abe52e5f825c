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
import type { ExperimentSpec, PointResult } from '../../engine/index.ts';
import type { ModelShape } from '../../engine/experiment/modelShapes.ts';
import { useCompareStore } from '../../state/compareStore.ts';
import { useRunStore } from '../../state/runStore.ts';
import { useComparisonLabels } from '../../state/useComparisonLabels.ts';
import {
  BUDGET_LIMITED_LABEL,
  BudgetLimitedMarker,
  EmcDot,
  type MarkerProps,
  PinnedMarker,
} from './EmcMarkers.tsx';
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

interface EmcDatum {
  params: number;
  emc: number;
  /** [below, above] the mark: the spread of brackets (and seeds) around the mean. */
  error: [number, number];
  model: string;
  /** Only a lower bound: drawn as a hollow triangle. */
  budgetLimited: boolean;
  /** The model's architecture, drawn in the tooltip. */
  shape?: ModelShape;
}

/** The main result: EMC against parameter count, log–log, with the samples = parameters line. */
export function EmcChart() {
  const points = useRunStore((state) => state.points);
  const spec = useRunStore((state) => state.spec);
  const planned = useRunStore((state) => state.planned);
  const pinned = useCompareStore((state) => state.pinned);
  const data = points.filter((p) => p.emcMean > 0).map((p) => toDatum(p, spec));
  const measured = data.filter((d) => !d.budgetLimited);
  const limited = data.filter((d) => d.budgetLimited);
  const hidden = points.length - data.length;
  const labels = useComparisonLabels();
  const overlays = pinned.map((run, index) => ({
    id: run.id,
    name: labels.pinned[index] ?? `run ${index + 1}`,
    color: PALETTE[index % PALETTE.length] as string,
    data: run.results.points.filter((p) => p.emcMean > 0).map((p) => toDatum(p, run.results.spec)),
  }));
  const currentName = labels.current !== undefined ? `current (${labels.current})` : 'EMC';
  const anyLimited =
    limited.length > 0 || overlays.some((o) => o.data.some((d) => d.budgetLimited));
  const params = [
    ...(planned.length > 0
      ? planned.map((p) => p.parameterCount)
      : pinned.length
        ? []
        : [10, 1000]),
    ...overlays.flatMap((o) => o.data.map((d) => d.params)),
  ];
  const xMin = Math.min(...params) / 1.5;
  const xMax = Math.max(...params) * 1.5;
  const yValues = data
    .flatMap((d) => [d.emc - d.error[0], d.emc + d.error[1]])
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
      data-budget-limited-points={limited.length}
    >
      <figcaption>
        EMC vs parameter count <TableLink />
      </figcaption>
      <ResponsiveContainer width="100%" height={300}>
        <ScatterChart margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="params"
            name="parameters"
            scale="log"
            domain={[xMin, xMax]}
            tickFormatter={compact}
            label={{ value: 'parameters', position: 'insideBottom', offset: -10 }}
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
            name="samples = parameters"
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
              shape={(props: MarkerProps) => <PinnedMarker {...props} color={overlay.color} />}
              isAnimationActive={false}
            >
              <ErrorBar dataKey="error" direction="y" width={5} stroke={overlay.color} />
            </Scatter>
          ))}
          <Scatter
            name={currentName}
            data={measured}
            fill={CURRENT}
            isAnimationActive={false}
            shape={(props: MarkerProps) => <EmcDot {...props} color={CURRENT} />}
          >
            <ErrorBar dataKey="error" direction="y" width={6} stroke={CURRENT} />
          </Scatter>
          {anyLimited && (
            // A series of its own, so the legend explains the triangles (pinned runs' too).
            <Scatter
              name={BUDGET_LIMITED_LABEL}
              data={limited}
              fill={CURRENT}
              legendType="triangle"
              isAnimationActive={false}
              shape={(props: MarkerProps) => <BudgetLimitedMarker {...props} color={CURRENT} />}
            >
              <ErrorBar dataKey="error" direction="y" width={6} stroke={CURRENT} />
            </Scatter>
          )}
        </ScatterChart>
      </ResponsiveContainer>
      {anyLimited && (
        <p className="chart-note" data-testid="budget-limited-note">
          Hollow triangles are budget-limited points, lower bounds: the smallest N that did not fit
          was still undecided at the step cap. Raise train.maxSteps to decide them.
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

export function toDatum(point: PointResult, spec?: ExperimentSpec): EmcDatum {
  const lows = point.seeds.map((s) => s.bracket[0]);
  const highs = point.seeds.map((s) => s.bracket[1] ?? s.bracket[0]);
  const low = Math.min(point.emcMean - point.emcStd, ...lows);
  const high = Math.max(point.emcMean + point.emcStd, ...highs);
  return {
    params: point.parameterCount,
    emc: point.emcMean,
    error: [Math.max(0, point.emcMean - low), Math.max(0, high - point.emcMean)],
    model: point.model,
    budgetLimited: point.budgetLimited,
    shape: spec ? shapeOf(spec, point.width) : undefined,
  };
}

/** A hovered point: its model, drawn, its parameters and EMC. */
function EmcTooltip({ active, payload }: { active?: boolean; payload?: { payload?: EmcDatum }[] }) {
  const datum = payload?.[0]?.payload;
  if (!active || !datum || datum.model === undefined) return null;
  return (
    <div className="emc-tooltip" data-testid="emc-tooltip">
      <strong>{datum.model}</strong>: EMC {datum.budgetLimited ? '≥ ' : ''}
      {compact(datum.emc)}, {compact(datum.params)} parameters
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
