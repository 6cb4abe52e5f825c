import { parseSpec } from '../../engine/experiment/index.ts';
import { missingFeatures } from '../../presets/availability.ts';
import { PRESETS, type Preset, variantSpec } from '../../presets/presets.ts';
import { useConfigStore } from '../../state/configStore.ts';
import { writeUrl } from '../../state/urlSync.ts';
import { runVariants } from '../../state/variantQueue.ts';

/** The paper's findings as one-click classroom demos. */
export function PresetGallery({ busy }: { busy: boolean }) {
  const load = (preset: Preset) => {
    const spec = parseSpec(variantSpec(preset, 0));
    useConfigStore.getState().loadSpec(spec);
    writeUrl(spec, 'push');
  };
  const runAll = (preset: Preset) => {
    load(preset);
    const variants = preset.variants.map((variant, index) => ({
      label: variant.label,
      spec: parseSpec(variantSpec(preset, index)),
    }));
    runVariants(variants, useConfigStore.getState().backend);
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
                {preset.finding}. {preset.title}
              </h3>
              <p>{preset.explanation}</p>
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
