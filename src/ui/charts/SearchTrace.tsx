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
  const fails = probes.filter((p) => !p.fits);
  return (
    <figure className="chart" data-testid="search-trace" data-probes={probes.length}>
      <figcaption>Search trace</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <ScatterChart margin={{ top: 10, right: 10, bottom: 20, left: 10 }}>
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
          <YAxis type="number" dataKey="n" name="N" />
          <Tooltip />
          <Legend verticalAlign="top" />
          <Scatter name="fits" data={fits} fill="#2a9d8f" isAnimationActive={false} />
          <Scatter
            name="does not fit"
            data={fails}
            fill="#e63946"
            shape="cross"
            isAnimationActive={false}
          />
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}
