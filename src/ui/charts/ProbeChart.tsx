import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useRunStore } from '../../stores/runStore.ts';

const LEGEND_HEIGHT = 28;
const AXIS_TITLE = { textAnchor: 'middle' } as const;

/** The probe in training: loss and train accuracy per epoch, with the 100% line it must reach. */
export function ProbeChart() {
  const current = useRunStore((state) => state.current);
  const curve = current?.curve ?? [];
  return (
    <figure className="chart" data-testid="probe-chart" data-epochs={curve.length}>
      <figcaption>Current probe{current ? `: N = ${current.n}` : ''}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={curve} margin={{ top: 10, right: 20, bottom: 20, left: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={[0, 'dataMax']}
            label={{ value: 'epoch', position: 'insideBottom', offset: -10 }}
          />
          <YAxis
            yAxisId="loss"
            domain={[0, 'auto']}
            tickFormatter={(v: number) => v.toFixed(2)}
            label={{
              value: 'training loss',
              angle: -90,
              position: 'insideLeft',
              style: AXIS_TITLE,
            }}
          />
          <YAxis
            yAxisId="accuracy"
            orientation="right"
            domain={[0, 1]}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
            label={{
              value: 'train accuracy',
              angle: 90,
              position: 'insideRight',
              style: AXIS_TITLE,
            }}
          />
          <Tooltip />
          {/* Its own band above the plot: inside it, the legend covered the axis titles. */}
          <Legend verticalAlign="top" height={LEGEND_HEIGHT} />
          <ReferenceLine yAxisId="accuracy" y={1} stroke="#2a9d8f" strokeDasharray="4 4" />
          <Line
            yAxisId="loss"
            dataKey="loss"
            name="training loss"
            stroke="#1d3557"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="accuracy"
            dataKey="accuracy"
            name="train accuracy (all N)"
            stroke="#2a9d8f"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
