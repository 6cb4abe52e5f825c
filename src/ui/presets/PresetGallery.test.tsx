import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PRESET_DURATIONS } from '../../presets/presetDurations.ts';
import { PRESETS } from '../../presets/presets.ts';
import { PresetGallery } from './PresetGallery.tsx';

describe('the preset cards', () => {
  it('each say how long the bench measured it to take', () => {
    const html = renderToStaticMarkup(<PresetGallery busy={false} />);
    const cards = html.split('class="preset" data-testid="preset-').slice(1);
    expect(cards).toHaveLength(PRESETS.length);
    for (const preset of PRESETS) {
      const card = cards.find((c) => c.startsWith(`${preset.id}"`)) ?? '';
      const seconds = PRESET_DURATIONS.seconds[preset.id];
      if (seconds === undefined) {
        // A preset newer than the latest fidelity bench says so, never a guess.
        expect(card).toContain('Not timed by the bench yet');
        continue;
      }
      const minutes = Math.max(1, Math.round(seconds / 60));
      expect(card).toContain(
        `Takes about ${minutes} min on this lab&#x27;s reference machine (wasm)`,
      );
    }
    expect(cards.filter((c) => c.includes('Not timed by the bench yet'))).toHaveLength(
      PRESETS.filter((p) => PRESET_DURATIONS.seconds[p.id] === undefined).length,
    );
  });
});
