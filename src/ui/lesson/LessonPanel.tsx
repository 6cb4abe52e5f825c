import type { ExperimentSpec } from '../../engine/index.ts';
import { describeExperiment } from '../../share/verdicts.ts';
import { LESSON, lessonPreset, predictionVerdict } from '../../presets/lessons.ts';
import { useCompareStore } from '../../stores/compareStore.ts';
import { demoHasRun } from '../../stores/lessonDemo.ts';
import { useLessonStore } from '../../stores/lessonStore.ts';
import { loadPreset, runPreset } from '../../effects/presetActions.ts';
import { useRunStore } from '../../stores/runStore.ts';
import { useComparisonSentences } from '../../stores/useComparisonLabels.ts';

/**
 * One screen of lesson mode: the question, the class's prediction (made before anything
 * runs), the demo, what to look at, and, once the demo has run (or the teacher reveals it),
 * what the paper found and what the lab finds at this scale, and how the prediction
 * compares with both. Previous and Next walk the five findings; the URL names the step.
 */
export function LessonPanel({ busy, spec }: { busy: boolean; spec?: ExperimentSpec }) {
  const step = useLessonStore((state) => state.step);
  const predictions = useLessonStore((state) => state.predictions);
  const revealed = useLessonStore((state) => state.revealed);
  const { open, close, predict, reveal } = useLessonStore.getState();
  const phase = useRunStore((state) => state.phase);
  const pinned = useCompareStore((state) => state.pinned);
  const sentences = useComparisonSentences();
  if (step === undefined) return null;
  const lesson = LESSON[step - 1];
  if (!lesson) return null;
  const preset = lessonPreset(lesson);
  const predicted = predictions[step];
  const demoRan = demoHasRun(preset, pinned);
  const answered = demoRan || revealed[step] === true;
  const go = (next: number) => {
    open(next);
    const target = LESSON[next - 1];
    if (target) loadPreset(lessonPreset(target));
  };

  return (
    <section
      className="lesson"
      aria-labelledby="lesson-question"
      data-testid="lesson"
      data-step={step}
    >
      <nav className="lesson-nav" aria-label="Lesson steps">
        <button type="button" disabled={step === 1 || busy} onClick={() => go(step - 1)}>
          ← Previous
        </button>
        <span className="lesson-progress">
          Finding {step} of {LESSON.length}
        </span>
        <button
          type="button"
          disabled={step === LESSON.length || busy}
          onClick={() => go(step + 1)}
        >
          Next →
        </button>
        <button type="button" className="secondary" onClick={close}>
          Leave the lesson
        </button>
      </nav>
      <h2 id="lesson-question">{lesson.question}</h2>
      {spec && (
        // What the demo runs, in one line: the form beside it holds every field.
        <p className="lesson-experiment" data-testid="lesson-experiment">
          <strong>The demo:</strong> {describeExperiment(spec)}
        </p>
      )}
      <fieldset className="lesson-prediction">
        <legend>Your prediction, before running</legend>
        {lesson.predictions.map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name={`prediction-${step}`}
              value={choice}
              checked={predicted === choice}
              onChange={() => predict(step, choice)}
            />{' '}
            {choice}
          </label>
        ))}
      </fieldset>
      <div className="buttons">
        <button type="button" className="primary" disabled={busy} onClick={() => runPreset(preset)}>
          {preset.variants.length > 1
            ? `Run the demo (${preset.variants.map((v) => v.label).join(' vs ')})`
            : 'Run the demo'}
        </button>
        {phase === 'finished' && <span role="status">Finished: look at the charts below.</span>}
      </div>
      <p>
        <strong>Look at:</strong> {lesson.lookAt}
      </p>
      {answered ? (
        <div className="lesson-answer" data-testid="lesson-answer">
          <p data-testid="lesson-verdict">
            <strong>{predictionVerdict(lesson, predicted)}</strong>
          </p>
          <p>
            <strong>The paper:</strong> {lesson.paper}
          </p>
          <p>
            <strong>This lab, at its scale{lesson.reproduces ? '' : ' (not reproduced)'}:</strong>{' '}
            {lesson.labFinding}
          </p>
          {demoRan && sentences.length > 0 && (
            <p data-testid="lesson-direction">
              <strong>Your run, pair by pair:</strong> {sentences.join(' ')}
            </p>
          )}
        </div>
      ) : (
        <p className="hint" data-testid="lesson-hidden">
          What the paper and the lab found appears once the demo has run.{' '}
          <button type="button" className="secondary" onClick={() => reveal(step)}>
            Reveal now
          </button>
        </p>
      )}
    </section>
  );
}
