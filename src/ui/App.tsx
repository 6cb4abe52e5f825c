import { useState } from 'react';
import { useFormCheck } from '../state/configStore.ts';
import { useRunStore } from '../state/runStore.ts';
import { EmcChart } from './charts/EmcChart.tsx';
import { ProbeChart } from './charts/ProbeChart.tsx';
import { SearchTrace } from './charts/SearchTrace.tsx';
import { ExperimentForm } from './form/ExperimentForm.tsx';
import { EventLog } from './results/EventLog.tsx';
import { ResultsTable } from './results/ResultsTable.tsx';
import { BackendBadge } from './run/BackendBadge.tsx';
import { RunControls } from './run/RunControls.tsx';
import './styles.css';

/** The lab: the experiment form on the left, the run and its live charts on the right. */
export function App() {
  const formCheck = useFormCheck();
  const running = useRunStore((state) =>
    ['starting', 'running', 'paused', 'stopping'].includes(state.phase),
  );
  const [large, setLarge] = useState(false);
  const problems = formCheck.check.ok ? 0 : formCheck.check.errors.length;

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
      <div className="layout">
        <aside>
          <ExperimentForm formCheck={formCheck} disabled={running} />
        </aside>
        <main>
          <RunControls
            spec={formCheck.check.ok ? formCheck.check.spec : undefined}
            problems={problems}
          />
          <div className="charts">
            <EmcChart />
            <ProbeChart />
            <SearchTrace />
          </div>
          <ResultsTable />
          <EventLog />
        </main>
      </div>
    </div>
  );
}
