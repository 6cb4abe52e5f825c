import { useMemo, useState } from 'react';
import type { ExperimentResults } from '../../engine/results.ts';
import type { ExperimentSpec } from '../../engine/experiment/index.ts';
import { pointsCsv, probesCsv } from '../../share/csv.ts';
import { comparisonDocument } from '../../share/comparisonFile.ts';
import { encodeLink, type SharedComparison } from '../../share/linkCodec.ts';
import { useComparison } from '../../stores/useComparisonLabels.ts';
import { useNoticeStore } from '../../stores/noticeStore.ts';
import { importResultsFile } from '../../stores/openResults.ts';
import { useLiveResults } from '../../stores/useLiveResults.ts';
import { chartSvg, download, slug, svgToPng } from '../results/download.ts';

/**
 * The results exports: one file per entry, from the same results document; the JSON holds
 * every run of a comparison (the CSVs, the current run's).
 */
const RESULT_FILES: Array<{
  label: string;
  suffix: string;
  type: string;
  write(results: ExperimentResults, comparison?: SharedComparison): string;
}> = [
  {
    label: 'JSON',
    suffix: '.json',
    type: 'application/json',
    write: (results, comparison) =>
      JSON.stringify(comparison ? comparisonDocument(comparison) : results, null, 2),
  },
  { label: 'CSV points', suffix: '-points.csv', type: 'text/csv', write: pointsCsv },
  { label: 'CSV probes', suffix: '-probes.csv', type: 'text/csv', write: probesCsv },
];

/** Share the experiment as a link, export results and the chart, import a results file. */
export function SharePanel({ spec }: { spec?: ExperimentSpec }) {
  const results = useLiveResults();
  // With runs pinned, the link, the JSON and the chart images carry the whole comparison.
  const comparison = useComparison();
  const [withResults, setWithResults] = useState(false);
  const [message, setMessage] = useState('');
  const push = useNoticeStore((state) => state.push);
  const shareable = withResults && results ? results.spec : spec;
  // Compressing a link is not free: only when what it holds changes.
  const link = useMemo(
    () =>
      shareable
        ? withResults && results
          ? encodeLink(shareable, results, comparison)
          : encodeLink(shareable)
        : undefined,
    [shareable, withResults, results, comparison],
  );
  const url = link ? `${window.location.origin}${window.location.pathname}${link.fragment}` : '';
  const title = comparison?.title ?? results?.spec.name ?? spec?.name ?? 'experiment';
  const name = slug(title);

  const copy = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(url);
      setMessage(link.note ?? 'Link copied.');
    } catch {
      setMessage('The browser refused the clipboard: select the link below and copy it.');
    }
  };

  const exportChart = async (format: 'svg' | 'png') => {
    const figure = document.querySelector('[data-testid="emc-chart"]');
    const image = figure && chartSvg(figure, `${title}: EMC vs parameter count`);
    if (!image) return push('warn', 'There is no chart to export yet.');
    if (format === 'svg')
      return download(`${name}-emc.svg`, new Blob([image.svg], { type: 'image/svg+xml' }));
    try {
      download(`${name}-emc.png`, await svgToPng(image.svg, image.width, image.height));
    } catch (error) {
      push('error', `The PNG could not be made: ${(error as Error).message}`);
    }
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    await importResultsFile(file);
  };

  return (
    <section className="share-panel" aria-label="Share and export">
      <div className="buttons">
        <button type="button" disabled={!link} onClick={copy}>
          Copy link
        </button>
        <label>
          <input
            type="checkbox"
            checked={withResults}
            disabled={!results}
            onChange={(event) => setWithResults(event.target.checked)}
          />{' '}
          with results
        </label>
        <span className="separator" aria-hidden="true" />
        <span>Export:</span>
        {RESULT_FILES.map((file) => (
          <button
            key={file.label}
            type="button"
            disabled={!results}
            onClick={() =>
              results &&
              download(
                `${name}${file.suffix}`,
                new Blob([file.write(results, comparison)], { type: file.type }),
              )
            }
          >
            {file.label}
          </button>
        ))}
        <button type="button" disabled={!results?.points.length} onClick={() => exportChart('png')}>
          PNG
        </button>
        <button type="button" disabled={!results?.points.length} onClick={() => exportChart('svg')}>
          SVG
        </button>
        <label className="import">
          Import results…{' '}
          <input
            type="file"
            accept="application/json,.json"
            aria-label="Import a results JSON file"
            onChange={(event) => {
              void importFile(event.target.files?.[0]);
              event.target.value = '';
            }}
          />
        </label>
      </div>
      <input
        className="share-link"
        readOnly
        value={url}
        aria-label="Share link"
        data-testid="share-link"
        data-embedded={link?.embedded ?? ''}
        data-compared-runs={link?.comparedRuns ?? 0}
        onFocus={(event) => event.target.select()}
      />
      {(message || link?.note) && (
        <p className="share-message" role="status">
          {message || link?.note}
        </p>
      )}
    </section>
  );
}
