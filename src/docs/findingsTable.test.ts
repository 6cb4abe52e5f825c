import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../engine/results.ts';
import { STUDIES } from '../presets/studies.ts';
import { slug } from '../presets/studyRun.ts';
import { judgeClaims } from '../presets/studyVerdict.ts';

/**
 * README's findings table quotes the reference studies' verdicts. Each verdict it quotes is
 * judged again here from the runs in bench/studies/<id>/ (their results files), so a table
 * that drifts from the runs, or runs that drift from the protocol, fail.
 */
const readme = readFileSync('README.md', 'utf8');

/** The table row whose first cell starts with `lead`. */
function row(lead: string): string {
  const found = readme.split('\n').find((line) => line.startsWith(`| ${lead}`));
  if (!found) throw new Error(`README has no findings row starting "${lead}"`);
  return found;
}

describe("README's findings table", () => {
  it('has a row per finding and one beyond them, each naming its study', () => {
    for (const study of STUDIES.filter((s) => s.finding !== 'tabular')) {
      const lead = study.finding === 'reparameterization' ? 'Beyond' : `${study.finding}.`;
      expect(row(lead)).toContain(`\`${study.id}\``);
    }
  });

  it.each(
    STUDIES.filter((s) => existsSync(`bench/studies/${s.id}/report.md`)).map(
      (s) => [s.id, s] as const,
    ),
  )('%s: quotes each verdict and effect the reference runs give', (_, study) => {
    const runs = new Map(
      study.variants.map((variant) => [
        variant.label,
        JSON.parse(
          readFileSync(`bench/studies/${study.id}/${slug(variant.label)}.json`, 'utf8'),
        ) as ExperimentResults,
      ]),
    );
    const text = row(study.finding === 'reparameterization' ? 'Beyond' : `${study.finding}.`);
    const report = readFileSync(`bench/studies/${study.id}/report.md`, 'utf8');
    for (const verdict of judgeClaims(study.claims, runs)) {
      // The report says the same as the runs judged now.
      expect(report).toContain(`: ${verdict.verdict}`);
      const claim = verdict.claim;
      const side = claim.kind === 'more-efficient' ? claim.better : verdict.statement;
      const ratio = /is ([\d.]+)×/.exec(verdict.effect)?.[1];
      const quoted = ratio
        ? `${side}: ${verdict.verdict} (${ratio}×`
        : `${side}: ${verdict.verdict}`;
      expect(text).toContain(quoted);
    }
  });
});
