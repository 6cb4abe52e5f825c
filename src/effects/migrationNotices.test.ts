import { readFileSync } from 'node:fs';
import { compressToEncodedURIComponent } from 'lz-string';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ExperimentSpec, parseSpec } from '../engine/experiment/index.ts';
import { type ExperimentResults, RESULTS_VERSION } from '../engine/results.ts';
import { pointResult, searchedPoint } from '../engine/testFixtures.ts';
import { encodeLink } from '../share/linkCodec.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { useNoticeStore } from '../stores/noticeStore.ts';
import { openResultsFile, viewSavedRun } from '../stores/openResults.ts';
import { useRunStore } from '../stores/runStore.ts';
import { applyLink } from './urlSync.ts';

const versionOneFile = readFileSync(
  new URL('../share/testdata/results-v1.json', import.meta.url),
  'utf8',
);
const infos = () =>
  useNoticeStore
    .getState()
    .notices.filter((n) => n.level === 'info')
    .map((n) => n.text);

/** A finished run of the spec: a point per width, its seed's search. */
function resultsFor(spec: ExperimentSpec): ExperimentResults {
  const searched = spec.sweep.widths.map((width, index) =>
    searchedPoint([10 + index], { index, width }),
  );
  return {
    format: 'emc-lab-results',
    version: RESULTS_VERSION,
    status: 'complete',
    spec,
    environment: {
      backend: 'wasm',
      floatPrecision: 32,
      tfjsVersion: '4.22.0',
      engineVersion: '0.1.0',
      platform: 'test',
    },
    dataset: 'gaussian',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    points: searched.map(({ point }) => point),
    probes: searched.flatMap(({ probes }) => probes),
  };
}

beforeEach(() => {
  useNoticeStore.setState({ notices: [] });
});

describe('migration notes', () => {
  it('says how an older link was read, never silently', () => {
    const v2 = { ...DEFAULT_SPEC, version: 2, train: { ...DEFAULT_SPEC.train, patience: 40 } };
    applyLink(`#e=${compressToEncodedURIComponent(JSON.stringify({ spec: v2 }))}`);
    const [note, ...rest] = infos();
    expect(rest).toEqual([]);
    expect(note).toMatch(/^The link: This experiment was saved by an older EMC Lab/);
    expect(note).toMatch(/patience of 40 epochs now reads as 500 optimizer steps/);
  });

  it('adds nothing for a link of the current version', () => {
    applyLink(encodeLink(parseSpec(DEFAULT_SPEC)).fragment);
    expect(useNoticeStore.getState().notices).toEqual([]);
  });

  it('says how an older results file was read, after saying it is shown', () => {
    expect(openResultsFile('old.json', versionOneFile)).toBe(true);
    const [shown, note] = infos();
    expect(shown).toBe('Showing results from old.json.');
    expect(note).toMatch(/^old\.json: This experiment was saved by an older EMC Lab/);
    expect(useRunStore.getState().points.length).toBeGreaterThan(0);
  });

  it('adds no note for a current results file, and refuses a broken one with an error', () => {
    const current = resultsFor(parseSpec(DEFAULT_SPEC));
    expect(openResultsFile('new.json', JSON.stringify(current))).toBe(true);
    expect(infos()).toEqual(['Showing results from new.json.']);
    expect(openResultsFile('broken.json', '{')).toBe(false);
    expect(useNoticeStore.getState().notices.at(-1)?.level).toBe('error');
  });

  it('says how a saved run was read when it is viewed', () => {
    const results = resultsFor(parseSpec(DEFAULT_SPEC));
    results.points = [pointResult()];
    viewSavedRun({ id: 'a', savedAt: '2026-11-01T00:00:00Z', results });
    expect(infos()).toEqual([]);
    viewSavedRun({
      id: 'b',
      savedAt: '2026-11-01T00:00:00Z',
      results,
      migrationNotes: ['its patience of 40 epochs now reads as 500 optimizer steps'],
    });
    expect(infos()).toEqual([
      `Saved run “${results.spec.name}”: its patience of 40 epochs now reads as 500 optimizer steps`,
    ]);
  });
});
