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
  /** Whether the finding reproduces at the lab's scale (false also when it is not settled). */
  reproduces: boolean;
  /** The prediction the paper's finding supports (one of `predictions`). */
  paperAnswer: string;
  /** The prediction the lab's own measurement supports, when it settles the question. */
  labAnswer?: string;
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
      'Not settled at this step cap, except at the smallest width: over 3 seeds, width 4 (138 parameters) fits 40 random labels, verified, well below its parameter count, while widths 8 and 16 (298 and 714 parameters) fit at least 143 and 524, lower bounds (a larger N was still undecided after 20,000 steps); verification overturned one early "does not fit". Every point lies below the line, but a bound cannot show that the EMC does.',
    labEmc: 'MLP: 40 / ≥143 / ≥524',
    reproduces: false,
    paperAnswer: 'Fewer than 298',
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
      'Not settled at this scale: the CNNs (1,980 and 3,950 parameters) fit the whole pool of 300 (at least 300), and the MLPs (6,370 and 12,730 parameters) at least 53 and 172 over 3 seeds, lower bounds too. The CNN bounds are higher per parameter, but bounds on both sides decide nothing.',
    labEmc: 'CNN: ≥300 / ≥300; MLP: ≥53 / ≥172',
    reproduces: false,
    paperAnswer: 'The CNN',
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
      'Not settled: over 3 seeds, mini-batch SGD fits at least 78 and 185 samples (124 and 244 parameters) and full-batch descent at least 75 and 209: every point is a lower bound (a larger N still undecided at 40,000 steps). With one seed and an impatient stop the lab once showed SGD ahead; a more patient, verified run does not decide it.',
    labEmc: 'SGD, batch 16: ≥78 / ≥185; full-batch GD: ≥75 / ≥209',
    reproduces: false,
    paperAnswer: 'Mini-batch SGD',
  },
  {
    presetId: 'true-vs-random-labels',
    question:
      'A network fits more samples with their true labels than with random ones. Does the size of that difference tell us how well it will do on new data?',
    predictions: [
      'Yes: a larger gap goes with better generalization',
      'No: the gap says nothing about new data',
      'The reverse: a larger gap goes with worse generalization',
    ],
    lookAt:
      'The label gap panel after both runs: EMC(true) − EMC(random) beside each width’s generalization gap, and the correlation r across the sweep.',
    paper:
      'The gap between the EMC on correct labels and on random labels predicts generalization: networks that fit true labels much more easily than noise generalize better.',
    labFinding:
      'Not settled at this step cap: on Gaussian data labelled by a teacher, over 3 seeds, true labels give EMC at least 58, 79, 675 and 800 (the whole pool) against at least 22, 48, 81 and 155 for random ones. True labels lie above random ones at every width, but every point is a lower bound, so the gap the panel correlates with generalization is not measured.',
    labEmc: 'true labels: ≥58 / ≥79 / ≥675 / ≥800; random labels: ≥22 / ≥48 / ≥81 / ≥155',
    reproduces: false,
    paperAnswer: 'Yes: a larger gap goes with better generalization',
  },
  {
    presetId: 'relu-vs-tanh-vs-sigmoid',
    question: 'ReLU, tanh or sigmoid: with which activation does a network fit the most samples?',
    predictions: ['ReLU', 'tanh', 'sigmoid'],
    lookAt: 'The three curves of the EMC chart, one per activation, at the same widths.',
    paper:
      'ReLU networks fit more samples than sigmoid or tanh networks of the same size (on images, with networks much larger than here).',
    labFinding:
      'Not at this scale: over 3 seeds ReLU fits at least 85 and 159, tanh at least 108 and 175, sigmoid at least 105 and 214: every point is a lower bound, and the bounds do not put ReLU ahead. The lab does not reproduce this finding with small networks. What would have to change for ReLU to win?',
    labEmc: 'ReLU: ≥85 / ≥159; tanh: ≥108 / ≥175; sigmoid: ≥105 / ≥214',
    reproduces: false,
    paperAnswer: 'ReLU',
  },
];

/**
 * How the class's prediction compares with the paper and with the lab, in one or two
 * sentences: "Your prediction, “Fewer than 298”, is what the paper found. This lab does not
 * settle the question at its scale (below)."
 */
export function predictionVerdict(step: LessonStep, predicted: string | undefined): string {
  if (predicted === undefined)
    return `No prediction was made. The paper’s answer: “${step.paperAnswer}”.`;
  const mine = `Your prediction, “${predicted}”,`;
  const paper =
    predicted === step.paperAnswer
      ? `${mine} is what the paper found.`
      : `${mine} is not what the paper found (“${step.paperAnswer}”).`;
  const lab =
    step.labAnswer === undefined
      ? 'This lab does not settle the question at its scale (below).'
      : predicted === step.labAnswer
        ? 'This lab agrees at its scale.'
        : `This lab, at its scale, finds “${step.labAnswer}”.`;
  return `${paper} ${lab}`;
}

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
