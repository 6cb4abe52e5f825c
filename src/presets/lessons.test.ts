import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../share/linkCodec.ts';
import { parseSpec } from '../engine/experiment/index.ts';
import {
  LESSON,
  lessonPreset,
  lessonStepFromHash,
  predictionVerdict,
  withLessonStep,
} from './lessons.ts';
import { PRESETS, variantSpec } from './presets.ts';

describe('the lesson', () => {
  it('walks through the five findings in order, one preset each', () => {
    expect(LESSON.map((step) => lessonPreset(step).finding)).toEqual([1, 2, 3, 4, 5]);
    for (const step of LESSON) expect(step.predictions.length).toBeGreaterThanOrEqual(2);
  });

  it('quotes the EMCs the latest bench run measured for each preset', () => {
    // bench/fidelity.md: "| 1. fewer-samples-than-parameters | 1 | 28.8 | 0 of 3 | MLP: 65 / 130 / 520 |"
    const lines = readFileSync('bench/fidelity.md', 'utf8').split('\n');
    const cells = (line: string | undefined) => (line ?? '').split('|').map((c) => c.trim());
    const emcColumn = cells(lines.find((line) => line.startsWith('| preset'))).indexOf(
      'EMC per width',
    );
    expect(emcColumn).toBeGreaterThan(0);
    for (const step of LESSON) {
      const row = lines.find((line) => line.includes(`. ${step.presetId} |`));
      expect(row, step.presetId).toBeDefined();
      expect(cells(row)[emcColumn]).toBe(step.labEmc);
    }
  });

  it('says plainly which findings do not reproduce, or are not settled, at lab scale', () => {
    expect(LESSON.filter((step) => !step.reproduces).map((s) => s.presetId)).toEqual([
      'fewer-samples-than-parameters',
      'cnn-vs-mlp',
      'sgd-vs-full-batch',
      'true-vs-random-labels',
      'relu-vs-tanh-vs-sigmoid',
    ]);
    for (const step of LESSON.filter((s) => !s.reproduces)) {
      expect(step.labFinding, step.presetId).toMatch(/^Not (settled|at this scale)/);
    }
    expect(LESSON[4]?.labFinding).toMatch(/does not reproduce/);
    expect(PRESETS.find((p) => p.id === 'relu-vs-tanh-vs-sigmoid')?.title).toMatch(
      /Not at this scale/,
    );
  });
});

describe("the class's prediction", () => {
  it('is one of the choices, and so are the answers of the paper and of the lab', () => {
    for (const step of LESSON) {
      expect(step.predictions, step.presetId).toContain(step.paperAnswer);
      if (step.labAnswer !== undefined) expect(step.predictions).toContain(step.labAnswer);
      // A finding the lab reproduces has the lab's answer; one it does not settle, none.
      expect(step.labAnswer !== undefined, step.presetId).toBe(step.reproduces);
    }
    for (const step of LESSON)
      expect(new Set(step.predictions).size, step.presetId).toBe(step.predictions.length);
  });

  it('is compared with the paper and with the lab', () => {
    const first = LESSON[0] as (typeof LESSON)[number];
    expect(predictionVerdict(first, 'Fewer than 298')).toBe(
      'Your prediction, “Fewer than 298”, is what the paper found. This lab does not settle the question at its scale (below).',
    );
    expect(predictionVerdict(first, 'About 298')).toContain(
      'is not what the paper found (“Fewer than 298”)',
    );
    // A step whose finding the lab settles (none does at the presets' step caps today).
    const settled = {
      ...(LESSON[3] as (typeof LESSON)[number]),
      labAnswer: 'Yes: a larger gap goes with better generalization',
      reproduces: true,
    };
    expect(predictionVerdict(settled, settled.paperAnswer)).toContain(
      'This lab agrees at its scale.',
    );
    expect(predictionVerdict(settled, settled.predictions[1])).toContain(
      `This lab, at its scale, finds “${settled.labAnswer}”.`,
    );
    expect(predictionVerdict(first, undefined)).toBe(
      'No prediction was made. The paper’s answer: “Fewer than 298”.',
    );
  });
});

describe('lesson links', () => {
  const experiment = encodeLink(
    parseSpec(variantSpec(PRESETS[2] as (typeof PRESETS)[number], 0)),
  ).fragment;

  it('open a given step, beside the experiment, which still decodes', () => {
    const linked = withLessonStep(experiment, 3);
    expect(linked.startsWith('#lesson=3&e=')).toBe(true);
    expect(lessonStepFromHash(linked)).toBe(3);
    const decoded = decodeLink(linked);
    expect(decoded.kind === 'ok' && decoded.spec.name).toBe(
      'Finding 3: SGD vs full-batch GD — SGD, batch 16',
    );
    // The compressed experiment is kept character for character.
    expect(withLessonStep(linked, undefined)).toBe(experiment);
    expect(withLessonStep(withLessonStep(linked, 5), 2)).toBe(`#lesson=2&${experiment.slice(1)}`);
  });

  it('ignore steps that do not exist, and links from before lesson mode', () => {
    expect(lessonStepFromHash('#lesson=0')).toBeUndefined();
    expect(lessonStepFromHash('#lesson=6')).toBeUndefined();
    expect(lessonStepFromHash('#lesson=two')).toBeUndefined();
    expect(lessonStepFromHash(experiment)).toBeUndefined();
    expect(withLessonStep('', 1)).toBe('#lesson=1');
  });
});
