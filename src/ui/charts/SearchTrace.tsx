import { memo } from 'react';
import { TableLink } from './EmcChart.tsx';
import {
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useRunStore } from '../../stores/runStore.ts';
import type { RunState } from '../../stores/runTypes.ts';
import { useDeferredProbes } from './deferredRun.ts';

/**
 * Markers drawn at most per series. Recharts draws each marker as its own React element and
 * SVG group: 5,000 probes (a link's 20 seeds × 2 widths) held the page for seconds. Past
 * this, evenly spaced probes of the series are drawn, its first and last among them: the
 * trace's shape, with every probe still counted.
 */
export const MAX_TRACE_MARKERS = 400;

/** At most `most` of `items`, evenly spaced, the first and the last kept. */
export function thinned<T>(items: readonly T[], most = MAX_TRACE_MARKERS): readonly T[] {
  if (items.length <= most) return items;
  const last = items.length - 1;
  return Array.from({ length: most }, (_, i) => items[Math.round((i * last) / (most - 1))] as T);
}

type TraceProbe = RunState['probes'][number];

/** The trace's series. A converged no-fit (or, in older results, a plateau) is a measured
 * "does not fit"; a probe that spent its budget undecided, or diverged, decided nothing. */
function traceSeries(probes: readonly TraceProbe[]) {
  return {
    fits: probes.filter((p) => p.fits),
    fails: probes.filter(
      (p) => !p.fits && (p.stopReason === 'converged' || p.stopReason === 'plateau'),
    ),
    inconclusive: probes.filter((p) => p.stopReason === 'budget'),
    diverged: probes.filter((p) => p.stopReason === 'diverged'),
  };
}

/**
 * Every probe's N against the time it finished: watch gallop and bisection close in. The
 * figure and its counts follow the run at once; the plot draws from a deferred copy (rendered
 * after the urgent update, in slices), so a link of thousands of probes does not hold the page.
 */
export function SearchTrace() {
  const probes = useRunStore((state) => state.probes);
  const plotted = useDeferredProbes();
  const series = traceSeries(probes);
  const drawn = Object.values(series).reduce(
    (sum, one) => sum + Math.min(one.length, MAX_TRACE_MARKERS),
    0,
  );
  return (
    <figure
      className="chart"
      data-testid="search-trace"
      data-probes={probes.length}
      data-drawn={drawn}
      data-inconclusive={series.inconclusive.length}
    >
      <figcaption>
        Search trace <TableLink />
        {drawn < probes.length &&
          ` (${drawn.toLocaleString('en-US')} of ${probes.length.toLocaleString('en-US')} probes drawn, evenly spaced)`}
      </figcaption>
      <TracePlot probes={plotted} />
    </figure>
  );
}

const TracePlot = memo(function TracePlot({ probes }: { probes: readonly TraceProbe[] }) {
  const all = traceSeries(probes);
  const fits = thinned(all.fits);
  const fails = thinned(all.fails);
  const inconclusive = thinned(all.inconclusive);
  const diverged = thinned(all.diverged);
  return (
    <ResponsiveContainer width="100%" height={240}>
      <ScatterChart margin={{ top: 10, right: 10, bottom: 20, left: 20 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="atSeconds"
          name="time"
          unit=" s"
          domain={[0, 'auto']}
          tickFormatter={(v: number) => v.toFixed(0)}
          label={{ value: 'seconds', position: 'insideBottom', offset: -10 }}
        />
        <YAxis
          type="number"
          dataKey="n"
          name="N"
          label={{ value: 'N (training samples)', angle: -90, position: 'insideLeft', dy: 60 }}
        />
        <Tooltip />
        <Legend verticalAlign="top" />
        {/* Each legend entry draws its series' own marker. */}
        <Scatter
          name="fits"
          data={fits}
          fill="#2a9d8f"
          shape="circle"
          legendType="circle"
          isAnimationActive={false}
        />
        <Scatter
          name="does not fit"
          data={fails}
          fill="#e63946"
          shape="cross"
          legendType="cross"
          isAnimationActive={false}
        />
        {inconclusive.length > 0 && (
          <Scatter
            name="inconclusive (budget spent)"
            data={inconclusive}
            fill="#f4a261"
            shape="triangle"
            legendType="triangle"
            isAnimationActive={false}
          />
        )}
        {diverged.length > 0 && (
          <Scatter
            name="diverged"
            data={diverged}
            fill="#6c757d"
            shape="diamond"
            legendType="diamond"
            isAnimationActive={false}
          />
        )}
      </ScatterChart>
    </ResponsiveContainer>
  );
});
