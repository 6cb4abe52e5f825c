import { useState } from 'react';
import { useRunStore } from '../../stores/runStore.ts';
import { useDeferredPoints, useDeferredProbes } from './deferredRun.ts';
import { coverProbability, fitTransition } from '../../share/fitTransition.ts';
import { formatEmc } from '../../share/verdicts.ts';
import { OKABE_ITO } from './palette.ts';

const W = 640;
const H = 220;
const PAD = { left: 70, right: 14, top: 14, bottom: 34 };

/**
 * Rows the probe table shows until asked for all: a link of 20 seeds holds thousands of
 * probes a point, and their rows (with the charts beside them) held the page for seconds.
 */
export const FIRST_TABLE_ROWS = 200;

/**
 * The fit transition of one point: every probe as fit or not against N (all seeds), each
 * seed's bracket, the fraction of seeds that fit each N, and for a linear classifier on two
 * classes Cover's probability that random labels can be fitted. Its table lists every probe.
 */
export function FitTransitionView() {
  const points = useDeferredPoints();
  const probes = useDeferredProbes();
  const spec = useRunStore((state) => state.spec);
  const [chosen, setChosen] = useState<number>();
  const [allRows, setAllRows] = useState(false);
  if (points.length === 0) return null;
  const point =
    points.find((p) => p.index === chosen) ?? (points.at(-1) as (typeof points)[number]);
  const transition = fitTransition(point, probes);
  // A reduce, not Math.max(...rows): a spread of 100,000 arguments overflows the stack.
  const maxN =
    [...transition.rows.map((r) => r.n), ...transition.brackets.map((b) => b.hi ?? b.lo)].reduce(
      (a, b) => Math.max(a, b),
      2,
    ) * 1.1;
  const x = (n: number) => PAD.left + (n / maxN) * (W - PAD.left - PAD.right);
  const y = (fraction: number) => PAD.top + (1 - fraction) * (H - PAD.top - PAD.bottom);
  const linear = spec?.model.depth === 0;
  const features = spec ? spec.data.inputShape.reduce((a, b) => a * b, 1) : 0;
  const cover = linear && spec?.data.classes === 2;
  const coverPath = cover
    ? Array.from({ length: 120 }, (_, i) => (maxN * (i + 1)) / 120)
        .map(
          (n, i) =>
            `${i === 0 ? 'M' : 'L'}${x(n).toFixed(1)},${y(coverProbability(Math.round(n), features + 1)).toFixed(1)}`,
        )
        .join(' ')
    : '';
  const seeds = transition.brackets.length;
  const stepPath = transition.fractions
    .map(
      (f, i) =>
        `${i === 0 ? 'M' : 'L'}${x(f.n).toFixed(1)},${y(f.known ? f.fitting / f.known : 0).toFixed(1)}`,
    )
    .join(' ');
  // One mark per pixel and outcome: marks drawn on the same spot are the same picture, and a
  // link of thousands of probes would otherwise add as many nodes in one commit.
  const marks = [
    ...new Map(
      transition.rows.map((row) => {
        const cx = x(row.n);
        const cy =
          y(row.outcome === 'fits' ? 1 : row.outcome === 'undecided' ? 0.5 : 0) +
          (row.seedIndex % 5) * 3;
        return [`${row.outcome}:${Math.round(cx)}:${Math.round(cy)}`, { row, cx, cy }] as const;
      }),
    ).values(),
  ];
  const shownRows = allRows ? transition.rows : transition.rows.slice(0, FIRST_TABLE_ROWS);
  const describe = `${transition.rows.length} probes of ${point.model} against N, EMC ${formatEmc(point)}${cover ? `, with Cover's curve for ${features} features` : ''}; the table below lists them.`;

  return (
    <section
      className="chart fit-transition"
      data-testid="fit-transition"
      aria-labelledby="fit-transition-title"
    >
      <h3 id="fit-transition-title">Fit transition</h3>
      <label>
        Point{' '}
        <select
          value={point.index}
          onChange={(event) => setChosen(Number(event.target.value))}
          aria-label="Sweep point of the fit transition"
        >
          {points.map((p) => (
            <option key={p.index} value={p.index}>
              {p.model} (EMC {formatEmc(p)})
            </option>
          ))}
        </select>
      </label>
      <p className="chart-note">
        EMC is where “always fits” turns into “never fits” as N grows: each probe is one training at
        N samples
        {seeds > 1
          ? `, for each of ${seeds} seeds; the line is the fraction of seeds that fit each N`
          : ''}
        .
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={describe}>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#888" />
        <line x1={PAD.left} x2={PAD.left} y1={y(0)} y2={y(1)} stroke="#888" />
        <text
          x={12}
          y={(y(0) + y(1)) / 2}
          fontSize={11}
          textAnchor="middle"
          transform={`rotate(-90 12 ${(y(0) + y(1)) / 2})`}
        >
          {seeds > 1 ? 'share of seeds that fit' : 'outcome'}
        </text>
        <text x={PAD.left - 4} y={y(1) + 4} fontSize={10} textAnchor="end">
          fits
        </text>
        <text x={PAD.left - 4} y={y(0) - 2} fontSize={10} textAnchor="end">
          does not
        </text>
        <text x={PAD.left - 4} y={y(0) + 9} fontSize={10} textAnchor="end">
          fit
        </text>
        <text x={(W + PAD.left) / 2} y={H - 6} fontSize={11} textAnchor="middle">
          N (training samples)
        </text>
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <text key={t} x={x(maxN * t)} y={y(0) + 14} fontSize={10} textAnchor="middle">
            {Math.round(maxN * t)}
          </text>
        ))}
        {transition.brackets.map((b) => (
          <rect
            key={b.seedIndex}
            x={x(b.lo)}
            y={y(1)}
            width={Math.max(1, x(b.hi ?? b.lo) - x(b.lo))}
            height={y(0) - y(1)}
            fill={OKABE_ITO.orange}
            opacity={0.15}
          />
        ))}
        <line
          x1={x(point.emcMean)}
          x2={x(point.emcMean)}
          y1={y(1) - 4}
          y2={y(0)}
          stroke={OKABE_ITO.vermillion}
          strokeDasharray="5 3"
        />
        <text x={x(point.emcMean) + 4} y={y(1) + 10} fontSize={11} fill={OKABE_ITO.vermillion}>
          EMC {formatEmc(point)}
        </text>
        {cover && (
          <path
            d={coverPath}
            fill="none"
            stroke={OKABE_ITO.bluishGreen}
            strokeWidth={2}
            strokeDasharray="2 3"
            data-testid="cover-curve"
          />
        )}
        {seeds > 1 && <path d={stepPath} fill="none" stroke={OKABE_ITO.blue} strokeWidth={1.5} />}
        {marks.map(({ row, cx, cy }) => {
          return row.outcome === 'fits' ? (
            <circle key={`${row.seedIndex}-${row.n}`} cx={cx} cy={cy} r={4} fill={OKABE_ITO.blue} />
          ) : row.outcome === 'undecided' ? (
            <path
              key={`${row.seedIndex}-${row.n}`}
              d={`M${cx},${cy - 5} L${cx + 5},${cy + 4} L${cx - 5},${cy + 4} Z`}
              fill="none"
              stroke={OKABE_ITO.vermillion}
            />
          ) : (
            <path
              key={`${row.seedIndex}-${row.n}`}
              d={`M${cx - 4},${cy - 4} L${cx + 4},${cy + 4} M${cx - 4},${cy + 4} L${cx + 4},${cy - 4}`}
              stroke={OKABE_ITO.vermillion}
              strokeWidth={2}
            />
          );
        })}
      </svg>
      <p className="chart-note">
        ● fits &nbsp; ✕ does not fit (converged or diverged) &nbsp; △ undecided at the step cap
        &nbsp; shaded: each seed’s bracket
        {cover &&
          ` · dotted: Cover’s theorem, the probability that random labels of N points in general position can be fitted by a linear classifier on ${features} features (with bias: D = ${features + 1}; 1/2 at N = ${2 * (features + 1)})`}
        {linear &&
          !cover &&
          ' · Cover’s curve is for two classes; this linear classifier has more, so it is not drawn'}
      </p>
      <table className="fit-probes" data-testid="fit-probes">
        <caption>
          {shownRows.length < transition.rows.length
            ? `The first ${shownRows.length.toLocaleString('en-US')} of ${transition.rows.length.toLocaleString('en-US')} probes of ${point.model}`
            : `Every probe of ${point.model}`}
        </caption>
        <thead>
          <tr>
            <th scope="col">seed</th>
            <th scope="col">N</th>
            <th scope="col">outcome</th>
            <th scope="col">stop</th>
            <th scope="col">steps</th>
          </tr>
        </thead>
        <tbody>
          {shownRows.map((row) => (
            <tr key={`${row.seedIndex}-${row.n}`} data-testid="fit-probe-row">
              <td>{row.seedIndex + 1}</td>
              <td>{row.n}</td>
              <td>{row.outcome}</td>
              <td>{row.stopReason}</td>
              <td>{row.steps.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shownRows.length < transition.rows.length && (
        <button type="button" onClick={() => setAllRows(true)}>
          Show all {transition.rows.length.toLocaleString('en-US')} probes
        </button>
      )}
    </section>
  );
}
