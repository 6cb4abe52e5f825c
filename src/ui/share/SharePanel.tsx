import { useMemo, useState } from 'react';
import type { ExperimentResults } from '../../engine/results.ts';
import type { ExperimentSpec } from '../../engine/experiment/index.ts';
import { pointsCsv, probesCsv } from '../../share/csv.ts';
import { encodeLink } from '../../share/linkCodec.ts';
import { useNoticeStore } from '../../state/noticeStore.ts';
import { importResultsFile } from '../../state/openResults.ts';
import { useLiveResults } from '../../state/useLiveResults.ts';
import { chartSvg, download, slug, svgToPng } from '../results/download.ts';

/** The results exports: one file per entry, from the same results document. */
const RESULT_FILES: Array<{
  label: string;
  suffix: string;
  type: string;
  write(results: ExperimentResults): string;
}> = [
  {
    label: 'JSON',
    suffix: '.json',
    type: 'application/json',
    write: (results) => JSON.stringify(results, null, 2),
  },
  { label: 'CSV points', suffix: '-points.csv', type: 'text/csv', write: pointsCsv },
  { label: 'CSV probes', suffix: '-probes.csv', type: 'text/csv', write: probesCsv },
];

/** Share the experiment as a link, export results and the chart, import a results file. */
export function SharePanel({ spec }: { spec?: ExperimentSpec }) {
  const results = useLiveResults();
  const [withResults, setWithResults] = useState(false);
  const [message, setMessage] = useState('');
  const push = useNoticeStore((state) => state.push);
  const shareable = withResults && results ? results.spec : spec;
  // Compressing a link is not free: only when what it holds changes.
  const link = useMemo(
    () =>
      shareable ? encodeLink(shareable, withResults && results ? results : undefined) : undefined,
    [shareable, withResults, results],
  );
  const url = link ? `${window.location.origin}${window.location.pathname}${link.fragment}` : '';
  const name = slug(results?.spec.name ?? spec?.name ?? 'experiment');

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
    const svg = figure && chartSvg(figure);
    if (!figure || !svg) return push('warn', 'There is no chart to export yet.');
    if (format === 'svg')
      return download(`${name}-emc.svg`, new Blob([svg], { type: 'image/svg+xml' }));
    const box = figure
      .querySelector('.recharts-wrapper > svg.recharts-surface')
      ?.getBoundingClientRect();
    try {
      download(`${name}-emc.png`, await svgToPng(svg, box?.width ?? 800, box?.height ?? 300));
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
                new Blob([file.write(results)], { type: file.type }),
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
