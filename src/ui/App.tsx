import { useState } from 'react';
import { useFormCheck } from '../state/configStore.ts';
import { useRunStore } from '../state/runStore.ts';
import { isActivePhase } from '../state/runTypes.ts';
import { useMissingUserData } from '../state/userDataStore.ts';
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
import { useAppServices } from './useAppServices.ts';
import { describeExperiment } from '../share/verdicts.ts';
import './styles.css';

/** The lab: the experiment form on the left, the run and its live charts on the right. */
export function App() {
  useAppServices();
  const formCheck = useFormCheck();
  const running = useRunStore((state) => isActivePhase(state.phase));
  const [large, setLarge] = useState(false);
  const problems = formCheck.check.ok ? 0 : formCheck.check.errors.length;
  const validSpec = formCheck.check.ok ? formCheck.check.spec : undefined;
  const missingData = useMissingUserData(validSpec);

  return (
    <div className={`app${large ? ' projector' : ''}`}>
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
      </header>
      <Notices />
      <InterruptedBanner />
      <div className="layout">
        <aside>
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
        </aside>
        <main>
          <PresetGallery busy={running} />
          <RunControls
            spec={missingData ? undefined : validSpec}
            problems={problems}
            blocked={missingData}
          />
          <SharePanel spec={validSpec} />
          <div className="charts">
            <EmcChart />
            <ProbeChart />
            <SearchTrace />
          </div>
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
