import { useState } from 'react';
import { problemCount, useFormCheck } from '../stores/configStore.ts';
import { useRunStore } from '../stores/runStore.ts';
import { isActivePhase } from '../stores/runTypes.ts';
import { useMissingUserData } from '../effects/userDataStore.ts';
import { EmcChart } from './charts/EmcChart.tsx';
import { ProbeChart } from './charts/ProbeChart.tsx';
import { SearchTrace } from './charts/SearchTrace.tsx';
import { ExperimentForm } from './form/ExperimentForm.tsx';
import { PinnedRuns } from './compare/PinnedRuns.tsx';
import { LabelGapPanel } from './generalization/LabelGapPanel.tsx';
import { HistoryPanel } from './history/HistoryPanel.tsx';
import { InterruptedBanner } from './history/InterruptedBanner.tsx';
import { Notices } from './notices/Notices.tsx';
import { PresetGallery } from './presets/PresetGallery.tsx';
import { EventLog } from './results/EventLog.tsx';
import { ResultsTable } from './results/ResultsTable.tsx';
import { BackendBadge } from './run/BackendBadge.tsx';
import { RunControls } from './run/RunControls.tsx';
import { SharePanel } from './share/SharePanel.tsx';
import { FitTransitionView } from './charts/FitTransitionView.tsx';
import { LessonPanel } from './lesson/LessonPanel.tsx';
import { ModelDiagramView, shapeOf } from './model/ModelDiagramView.tsx';
import { LESSON, type LessonStep, lessonPreset } from '../presets/lessons.ts';
import { useLessonStore } from '../stores/lessonStore.ts';
import { loadPreset } from '../effects/presetActions.ts';
import { useAppServices } from './useAppServices.ts';
import { describeExperiment } from '../share/verdicts.ts';
import './styles.css';

/** The lab: the experiment form on the left, the run and its live charts on the right. */
export function App() {
  useAppServices();
  const formCheck = useFormCheck();
  const running = useRunStore((state) => isActivePhase(state.phase));
  const [large, setLarge] = useState(false);
  const problems = formCheck.check.ok ? 0 : problemCount(formCheck);
  const validSpec = formCheck.check.ok ? formCheck.check.spec : undefined;
  // The diagram keeps the last valid model while a field is being typed.
  const [lastValid, setLastValid] = useState(validSpec);
  if (validSpec && validSpec !== lastValid) setLastValid(validSpec);
  const diagramSpec = validSpec ?? lastValid;
  const lessonStep = useLessonStore((state) => state.step);
  const closeLesson = useLessonStore((state) => state.close);
  const startLesson = () => {
    useLessonStore.getState().open(1);
    loadPreset(lessonPreset(LESSON[0] as LessonStep));
  };
  const missingData =
    useMissingUserData(validSpec) ??
    (formCheck.awaitingFile
      ? `Choose ${formCheck.awaitingFile === 'csv' ? 'your CSV file' : 'your image folder or .zip'} (under Dataset) to run this experiment.`
      : undefined);
  // The model the form describes, redrawn as it changes (its first sweep width): above the
  // form, on the first screen at a readable size; under the summary in projector mode.
  const diagram = diagramSpec && (
    <ModelDiagramView
      shape={shapeOf(diagramSpec, diagramSpec.sweep.widths[0] ?? 1)}
      compact={large}
      note={
        diagramSpec.sweep.widths.length > 1
          ? `First of ${diagramSpec.sweep.widths.length} widths: `
          : ''
      }
    />
  );

  return (
    <div
      className={`app${large ? ' projector' : ''}${lessonStep !== undefined ? ' lesson-mode' : ''}`}
    >
      <header>
        <h1>EMC Lab</h1>
        <p className="tagline">How many samples can a network really fit?</p>
        <BackendBadge />
        <button
          type="button"
          className="secondary"
          aria-pressed={large}
          onClick={() => setLarge(!large)}
        >
          Projector mode
        </button>
        <button
          type="button"
          className="secondary"
          aria-pressed={lessonStep !== undefined}
          disabled={running}
          onClick={() => (lessonStep === undefined ? startLesson() : closeLesson())}
        >
          Lesson
        </button>
      </header>
      <Notices />
      <InterruptedBanner />
      <div className="layout">
        <aside>
          {!large && diagram}
          {large ? (
            // Projector mode shows the science first: the form folds into one line that
            // says what runs, and opens on demand.
            <details className="form-drawer">
              <summary data-testid="experiment-summary">
                {validSpec
                  ? describeExperiment(validSpec)
                  : 'Experiment (has problems: open to fix)'}
              </summary>
              <ExperimentForm formCheck={formCheck} disabled={running} />
            </details>
          ) : (
            <ExperimentForm formCheck={formCheck} disabled={running} />
          )}
          {large && diagram}
        </aside>
        <main>
          <LessonPanel busy={running} spec={validSpec} />
          <PresetGallery busy={running} />
          <RunControls
            spec={missingData ? undefined : validSpec}
            problems={problems}
            blocked={missingData}
          />
          <div className="charts">
            <EmcChart projector={large} />
            <ProbeChart />
            <SearchTrace />
          </div>
          <SharePanel spec={validSpec} />
          <FitTransitionView />
          <PinnedRuns />
          <ResultsTable />
          <LabelGapPanel />
          <HistoryPanel busy={running} />
          <EventLog />
        </main>
      </div>
    </div>
  );
}
