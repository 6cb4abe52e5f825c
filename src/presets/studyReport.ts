import type { ExperimentSpec } from '../engine/experiment/index.ts';
import type { PointResult, SeedResult } from '../engine/results.ts';
import {
  describeExperiment,
  type EfficiencyUnit,
  formatCount,
  formatEmc,
  isLowerBound,
  trainedUnits,
} from '../share/verdicts.ts';
import { PAPER_GAP_CORRELATION, type Study, studyFindingLabel } from './studies.ts';
import type { StudyOutcome } from './studyRun.ts';
import { type BoundPoint, type ClaimVerdict, formatRatio } from './studyVerdict.ts';

/**
 * A study's report: markdown for people (settings, command, verdicts with their numbers,
 * the tuning, every point per seed) and an SVG chart of EMC against parameters, written as
 * text (no DOM) so the CLI and the bench write the same files.
 */
export interface ReportContext {
  /** The command that produced it, as typed. */
  command: string;
  /** The machine, in words (cores, model). */
  machine: string;
  /** Name of the chart file beside the report. */
  chartFile: string;
}

export function studyReportMarkdown(outcome: StudyOutcome, context: ReportContext): string {
  const { study } = outcome;
  const env = outcome.environment;
  const perTrained = judgesTrainedUnits(study);
  const lines = [
    `# ${study.title}`,
    '',
    `Study \`${study.id}\`, ${studyFindingLabel(study.finding)} of the paper. **The paper:** ${study.paperClaim}`,
    '',
    `**Protocol:** ${study.protocol}`,
    '',
    ...(outcome.shrunk
      ? [
          '**Shrunk run** (tiny pools, the first width, one learning rate, a short step cap): it checks that the protocol runs; its verdicts say nothing about the paper.',
          '',
        ]
      : []),
    `- Command: \`${context.command}\``,
    `- Date: ${outcome.startedAt} to ${outcome.finishedAt}`,
    `- Machine: ${context.machine}; backend ${env ? `${env.backend} (TensorFlow.js ${env.tfjsVersion}, EMC Lab engine ${env.engineVersion})` : 'none started'}`,
    `- Status: ${outcome.status === 'complete' ? 'complete' : 'interrupted before every run finished: no verdict'}`,
    '',
    '## Verdicts',
    '',
    ...(outcome.status === 'complete'
      ? outcome.verdicts.flatMap(verdictLines)
      : [
          'Interrupted: the runs below are what finished; no claim is judged on part of a study.',
          '',
        ]),
    `![EMC against ${perTrained ? 'trained parameters' : 'parameters'} per variant](${context.chartFile})`,
    '',
    '## Learning rates',
    '',
    "Each variant trains at the rate of its grid with the largest EMC per parameter at the sweep's middle width, on a tuning seed that no measured run uses. ≥: that tuning EMC is a lower bound.",
    '',
    '| variant | rates tried: EMC / parameters at the tuning width | chosen |',
    '| --- | --- | --- |',
    ...outcome.variants.map((v) => {
      const tried = v.tunedBy
        ? `the rate tuned for ${v.tunedBy}`
        : v.tuning.length === 0
          ? 'one rate: not tuned'
          : v.tuning
              .map(
                (t) => `${t.learningRate}: ${t.lowerBound ? '≥ ' : ''}${formatRatio(t.efficiency)}`,
              )
              .join('; ');
      return `| ${v.label} | ${tried} | ${v.learningRate} |`;
    }),
    '',
    '## Results',
    '',
    'EMC per seed: plain when verified; ≥ a lower bound (censored: the whole pool fitted; budget-limited: a decisive probe ran out of steps); "unverified" when its decisive "does not fit" was not trained on longer.',
    '',
    ...outcome.variants.flatMap((v) => [
      `### ${v.label}`,
      '',
      `${settingsLine(v.results.spec)}; learning rate ${v.learningRate}. Results: \`${v.file}\`.`,
      '',
      ...(perTrained
        ? [
            '| width | model | parameters | trained parameters | EMC | EMC / parameters | EMC / trained parameter | EMC / bit | seeds |',
            '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
          ]
        : [
            '| width | model | parameters | EMC | EMC / parameters | seeds |',
            '| --- | --- | --- | --- | --- | --- |',
          ]),
      ...v.results.points.map((p) => {
        const bound = isLowerBound(p) ? '≥ ' : '';
        const per = (unit: EfficiencyUnit) =>
          `${bound}${formatRatio(p.emcMean / trainedUnits(p, v.results.spec, unit))}`;
        const trained = perTrained
          ? [
              formatCount(trainedUnits(p, v.results.spec, 'trained-parameter')),
              formatEmc(p),
              per('parameter'),
              per('trained-parameter'),
              per('bit'),
            ]
          : [formatEmc(p), per('parameter')];
        return `| ${[p.width, p.model, formatCount(p.parameterCount), ...trained, p.seeds.map(seedText).join(', ')].join(' | ')} |`;
      }),
      '',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

function verdictLines(verdict: ClaimVerdict): string[] {
  const lines = [
    `### ${capitalize(verdict.statement)}: ${verdict.verdict}`,
    '',
    `${capitalize(verdict.reason)} Pairs: ${verdict.agree} agree, ${verdict.disagree} disagree, ${verdict.ties} tie, ${verdict.undecided} undecided (of ${verdict.pairs}). ${verdict.effect}`,
    '',
  ];
  if (verdict.correlation) {
    const { r, rows, leftOut } = verdict.correlation;
    lines.push(
      `Pearson's r = ${r === null ? 'undefined' : r.toFixed(2)} over ${rows} models (the paper: r < ${PAPER_GAP_CORRELATION}).`,
      ...leftOut.map(
        (row) => `- left out of r: ${row.model} (width ${row.width}): ${row.explanation}`,
      ),
      '',
    );
  }
  if (verdict.bounds.length > 0) {
    lines.push(
      'Points that are only lower bounds, and what each did:',
      '',
      ...verdict.bounds.map(boundLine),
      '',
    );
  }
  return lines;
}

function boundLine(bound: BoundPoint): string {
  const role = bound.decides
    ? 'counted: the bound decides it'
    : 'left open: the bound does not decide it';
  return `- ${bound.variant}, width ${bound.width} (${formatCount(bound.parameterCount)} parameters), seed ${bound.seedIndex + 1}: ≥ ${bound.emc} (${bound.kind}); ${role}`;
}

function seedText(seed: SeedResult): string {
  if (seed.censored) return `≥ ${seed.emc} (censored)`;
  if (seed.budgetLimited) return `≥ ${seed.emc} (budget-limited)`;
  return seed.verified ? String(seed.emc) : `${seed.emc} (unverified)`;
}

/** The settings that decide a run, in one line. */
function settingsLine(spec: ExperimentSpec): string {
  const { train, search, data } = spec;
  const batch = train.batchSize === 'full' ? 'full batch' : `batch ${train.batchSize}`;
  const test = data.testSize > 0 ? `, test split ${data.testSize}` : '';
  return `${describeExperiment(spec)}${test}; ${train.optimizer}, ${batch}, step cap ${formatCount(train.maxSteps)}, patience ${train.patience} steps, minDelta ${train.minDelta}; ${search.seeds} seed${search.seeds === 1 ? '' : 's'}, precision ${search.precision}, verify ${search.verify ? 'on' : 'off'}`;
}

/** The study compares EMC per trained parameter or per bit (a random subspace, low precision). */
function judgesTrainedUnits(study: Study): boolean {
  return study.claims.some((claim) => claim.kind === 'more-efficient' && claim.per !== undefined);
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/**
 * EMC against parameters, both axes logarithmic: per variant its mean per width joined by a
 * line, every seed a dot (hollow when a lower bound or unverified), and the dashed
 * samples = parameters line of finding 1.
 */
export function studyChartSvg(outcome: StudyOutcome): string {
  const [width, height] = [640, 420];
  const margin = { left: 70, right: 190, top: 30, bottom: 55 };
  // A study judged per trained parameter plots against them (d for a subspace, else the weights).
  const perTrained = judgesTrainedUnits(outcome.study);
  const series = outcome.variants.map((v) =>
    v.results.points.map((p) => ({
      ...p,
      parameterCount: perTrained
        ? trainedUnits(p, v.results.spec, 'trained-parameter')
        : p.parameterCount,
    })),
  );
  const all = series.flat();
  const params = all.map((p) => p.parameterCount);
  const unit = perTrained ? 'trained parameters' : 'parameters';
  const emcs = all.flatMap((p) => p.seeds.map((s) => Math.max(1, s.emc)));
  const xDomain = logDomain(params.length ? params : [1, 10]);
  const yDomain = logDomain([...(emcs.length ? emcs : [1, 10]), ...params]);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (v: number) => margin.left + scaleLog(v, xDomain) * plotW;
  const y = (v: number) => margin.top + (1 - scaleLog(Math.max(1, v), yDomain)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(outcome.study.title)}: EMC against ${unit}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  ];
  for (const tick of decades(xDomain)) {
    parts.push(
      `<line x1="${x(tick)}" y1="${margin.top + plotH}" x2="${x(tick)}" y2="${margin.top + plotH + 5}" stroke="#333"/>`,
      `<text x="${x(tick)}" y="${margin.top + plotH + 18}" text-anchor="middle">${formatCount(tick)}</text>`,
    );
  }
  for (const tick of decades(yDomain)) {
    parts.push(
      `<line x1="${margin.left - 5}" y1="${y(tick)}" x2="${margin.left}" y2="${y(tick)}" stroke="#333"/>`,
      `<text x="${margin.left - 8}" y="${y(tick) + 4}" text-anchor="end">${formatCount(tick)}</text>`,
    );
  }
  const [lo, hi] = [Math.max(xDomain[0], yDomain[0]), Math.min(xDomain[1], yDomain[1])];
  if (lo < hi) {
    parts.push(
      `<line x1="${x(lo)}" y1="${y(lo)}" x2="${x(hi)}" y2="${y(hi)}" stroke="#666" stroke-dasharray="5 4"/>`,
      `<text x="${x(hi) - 4}" y="${y(hi) + 14}" text-anchor="end" fill="#666">samples = ${unit}</text>`,
    );
  }
  parts.push(
    `<text x="${margin.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${perTrained ? 'trained parameters (log): d in a subspace, else every weight' : 'parameters (log)'}</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">EMC, samples fitted (log)</text>`,
  );
  series.forEach((points, i) => {
    const color = COLORS[i % COLORS.length] as string;
    parts.push(...seriesMarks(points, color, x, y));
    const ly = margin.top + 10 + i * 20;
    const lx = margin.left + plotW + 15;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 26}" y="${ly + 4}">${escapeXml(outcome.variants[i]?.label ?? '')}</text>`,
    );
  });
  const noteY = margin.top + 10 + series.length * 20 + 10;
  parts.push(
    `<text x="${margin.left + plotW + 15}" y="${noteY}" fill="#555">● a seed, ○ lower bound</text>`,
    `<text x="${margin.left + plotW + 15}" y="${noteY + 16}" fill="#555">or unverified; line: mean</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function seriesMarks(
  points: readonly PointResult[],
  color: string,
  x: (v: number) => number,
  y: (v: number) => number,
): string[] {
  const path = points
    .map(
      (p, i) =>
        `${i === 0 ? 'M' : 'L'}${x(p.parameterCount).toFixed(1)} ${y(p.emcMean).toFixed(1)}`,
    )
    .join(' ');
  const marks =
    points.length > 1 ? [`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`] : [];
  for (const point of points) {
    for (const seed of point.seeds) {
      const exact = !seed.censored && !seed.budgetLimited && seed.verified;
      marks.push(
        `<circle cx="${x(point.parameterCount).toFixed(1)}" cy="${y(seed.emc).toFixed(1)}" r="4" fill="${exact ? color : 'white'}" stroke="${color}"><title>${escapeXml(`${point.model}, seed ${seed.seedIndex + 1}: ${exact ? '' : '≥ '}${seed.emc}`)}</title></circle>`,
      );
    }
  }
  return marks;
}

/** Powers of ten around the values, at least one decade wide. */
function logDomain(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive, 10)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, 10)));
  return [lo, hi > lo ? hi : lo * 10];
}

function scaleLog(value: number, [lo, hi]: [number, number]): number {
  return (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
}

function decades([lo, hi]: [number, number]): number[] {
  const ticks: number[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(Math.round(v));
  return ticks;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot' }[c]};`,
  );
}
