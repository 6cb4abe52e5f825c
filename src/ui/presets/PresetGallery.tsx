import { missingFeatures } from '../../presets/availability.ts';
import { presetDurationText } from '../../presets/presetDurations.ts';
import { type Preset, PRESETS } from '../../presets/presets.ts';
import { loadPreset, runPreset } from '../../effects/presetActions.ts';

/** The paper's findings as one-click classroom demos. */
export function PresetGallery({ busy }: { busy: boolean }) {
  const load = loadPreset;
  const runAll = (preset: Preset) => {
    runPreset(preset);
    // What runs now is on the chart, not in the cards: take the reader (and the focus) there.
    const chart = document.querySelector<HTMLElement>('[data-testid="emc-chart"]');
    chart?.scrollIntoView({ block: 'center' });
    chart?.focus({ preventScroll: true });
  };

  return (
    <details className="presets" data-testid="presets">
      <summary>Classroom presets: the paper’s findings</summary>
      <ol className="preset-list">
        {PRESETS.map((preset) => {
          const missing = missingFeatures(preset);
          return (
            <li key={preset.id} className="preset" data-testid={`preset-${preset.id}`}>
              <h3>
                {preset.finding === 'reparameterization' ? 'Beyond' : preset.finding}.{' '}
                {preset.title}
              </h3>
              <p>{preset.explanation}</p>
              <p className="form-note" data-testid="expected-duration">
                {presetDurationText(preset.id)
                  ? `Takes ${presetDurationText(preset.id)}${preset.variants.length > 1 ? ', every variant' : ''}.`
                  : 'Not timed by the bench yet (npm run bench -- --fidelity).'}
              </p>
              {missing.length > 0 ? (
                <p className="form-note">
                  Needs {missing.join(' and ')}, which this version does not have yet.
                </p>
              ) : (
                <div className="buttons">
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    onClick={() => load(preset)}
                  >
                    Load
                  </button>
                  <button type="button" disabled={busy} onClick={() => runAll(preset)}>
                    {preset.variants.length > 1
                      ? `Run all ${preset.variants.length} and compare`
                      : 'Run'}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </details>
  );
}
