import { PRESETS, type Preset } from './presets.ts';

/**
 * Lesson mode: the paper's five findings as a guided sequence for a class, one screen each.
 * Each step asks a question, lets the class commit to a prediction before anything runs,
 * runs the finding's preset, says what to look at, and then what the paper found and what
 * the lab found at its own scale, also where the two differ. Data, not code.
 */
export interface LessonStep {
  presetId: string;
  question: string;
  /** What the class may predict; one of them is what the lab measures (see labFinding). */
  predictions: string[];
  lookAt: string;
  paper: string;
  /** What the lab measured, in words; `labEmc` holds its numbers. */
  labFinding: string;
  /**
   * The EMC per width as the latest bench run measured it (bench/fidelity.md, which a test
   * holds this to: a lesson must not quote numbers the lab no longer measures).
   */
  labEmc: string;
  /** Whether the finding reproduces at the lab's scale. */
  reproduces: boolean;
}

export const LESSON: readonly LessonStep[] = [
  {
    presetId: 'fewer-samples-than-parameters',
    question:
      'A network with 298 weights is trained on random labels until it can learn no more. How many samples can it fit perfectly?',
    predictions: ['More than 298', 'About 298', 'Fewer than 298'],
    lookAt:
      'Every EMC point against the dashed samples = parameters line, and the EMC / params column of the table.',
    paper:
      'Optimizers find minima that fit far fewer samples than the model has parameters: counting parameters overstates what a network fits in practice.',
    labFinding:
      'Every width lies below the line: widths 4, 8 and 16 (138, 298 and 714 parameters) fit 65, 130 and 520 random labels, all at convergence. Reproduced.',
    labEmc: 'MLP: 65 / 130 / 520',
    reproduces: true,
  },
  {
    presetId: 'cnn-vs-mlp',
    question:
      'MNIST digits with random labels: there is no pattern to find. Per parameter, does a small CNN or an MLP fit more of them?',
    predictions: ['The CNN', 'The MLP', 'The same: random labels have no structure'],
    lookAt:
      'Where the two series lie: the CNN points further left (fewer parameters) and higher (more samples) than the MLP points.',
    paper:
      'CNNs are more parameter-efficient than MLPs (and ViTs), even on random labels: the architecture, not only the data, decides how much a network fits.',
    labFinding:
      'The CNNs (1,980 and 3,950 parameters) fit all 300 samples of the pool, so their EMC is at least 300; the MLPs (6,370 and 12,730 parameters) fit 45 and 157. Reproduced.',
    labEmc: 'CNN: ≥300 / ≥300; MLP: 45 / 157',
    reproduces: true,
  },
  {
    presetId: 'sgd-vs-full-batch',
    question:
      'The same network and learning rate, trained to convergence either on mini-batches of 16 (SGD) or on the full batch (gradient descent). Which fits more samples?',
    predictions: ['Mini-batch SGD', 'Full-batch gradient descent', 'The same'],
    lookAt:
      'The two curves of the EMC chart: the SGD one above the full-batch one at every width, with equal step caps and every probe converged.',
    paper:
      'Stochastic training finds minima that fit more data than full-batch gradient descent: SGD is not only a cheaper way to the same place.',
    labFinding:
      'Mini-batch SGD fits 58 and 159 samples where full-batch descent fits 40 and 150 (124 and 244 parameters). Reproduced.',
    labEmc: 'SGD, batch 16: 58 / 159; full-batch GD: 40 / 150',
    reproduces: true,
  },
  {
    presetId: 'true-vs-random-labels',
    question:
      'A network fits more samples with their true labels than with random ones. Does the size of that difference tell us how well it will do on new data?',
    predictions: [
      'Yes: a larger gap goes with better generalization',
      'No: the two are unrelated',
      'A larger gap goes with worse generalization',
    ],
    lookAt:
      'The label gap panel after both runs: EMC(true) − EMC(random) beside each width’s generalization gap, and the correlation r across the sweep.',
    paper:
      'The gap between the EMC on correct labels and on random labels predicts generalization: networks that fit true labels much more easily than noise generalize better.',
    labFinding:
      'On Gaussian data labelled by a teacher, true labels give EMC 80, 220, 665 and at least 800 against 34, 13, 104 and 156 for random ones, and the panel measures the correlation with the generalization gap. Shown on Gaussian data: MNIST’s true-label probes do not converge within minutes on a CPU.',
    labEmc: 'true labels: 80 / 220 / 665 / ≥800; random labels: 34 / 13 / 104 / 156',
    reproduces: true,
  },
  {
    presetId: 'relu-vs-tanh-vs-sigmoid',
    question: 'ReLU, tanh or sigmoid: with which activation does a network fit the most samples?',
    predictions: ['ReLU', 'tanh', 'sigmoid'],
    lookAt: 'The three curves of the EMC chart, one per activation, at the same widths.',
    paper:
      'ReLU networks fit more samples than sigmoid or tanh networks of the same size (on images, with networks much larger than here).',
    labFinding:
      'Not at this scale: tanh (124 and 186) and sigmoid (93 and 209) fit more than ReLU (81 and 141), whose narrow layers lose units that never activate again. The lab does not reproduce this finding with small networks. What would have to change for ReLU to win?',
    labEmc: 'ReLU: 81 / 141; tanh: 124 / 186; sigmoid: 93 / 209',
    reproduces: false,
  },
];

/** The preset a lesson step runs. */
export function lessonPreset(step: LessonStep): Preset {
  const preset = PRESETS.find((p) => p.id === step.presetId);
  if (!preset) throw new Error(`lesson step names an unknown preset ${step.presetId}`);
  return preset;
}

/** The URL fragment parameter of lesson mode: #lesson=3 opens step 3 (1-based). */
export const LESSON_PARAM = 'lesson';

/** The lesson step (1-based) a location hash opens, or undefined (no lesson, or not a step). */
export function lessonStepFromHash(hash: string): number | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const value = new URLSearchParams(fragment).get(LESSON_PARAM);
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const step = Number(value);
  return step >= 1 && step <= LESSON.length ? step : undefined;
}

/**
 * A fragment with the lesson step set (or removed, for undefined), its other parameters
 * kept as written (the experiment's compressed `e=` must not be re-encoded).
 */
export function withLessonStep(hash: string, step: number | undefined): string {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const rest = fragment
    .split('&')
    .filter((part) => part !== '' && !part.startsWith(`${LESSON_PARAM}=`));
  const parts = [...(step === undefined ? [] : [`${LESSON_PARAM}=${step}`]), ...rest];
  return parts.length > 0 ? `#${parts.join('&')}` : '';
}
