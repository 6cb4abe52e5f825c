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
import { useRunStore } from '../../state/runStore.ts';

/** Every probe's N against the time it finished: watch gallop and bisection close in. */
export function SearchTrace() {
  const probes = useRunStore((state) => state.probes);
  const fits = probes.filter((p) => p.fits);
  // A converged no-fit (or, in older results, a plateau) is a measured "does not fit"; a
  // probe that spent its budget undecided, or diverged, decided nothing about the model.
  const fails = probes.filter(
    (p) => !p.fits && (p.stopReason === 'converged' || p.stopReason === 'plateau'),
  );
  const inconclusive = probes.filter((p) => p.stopReason === 'budget');
  const diverged = probes.filter((p) => p.stopReason === 'diverged');
  return (
    <figure
      className="chart"
      data-testid="search-trace"
      data-probes={probes.length}
      data-inconclusive={inconclusive.length}
    >
      <figcaption>
        Search trace <TableLink />
      </figcaption>
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
    </figure>
  );
}
