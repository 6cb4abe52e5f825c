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
      const minutes = Math.max(1, Math.round((PRESET_DURATIONS.seconds[preset.id] ?? NaN) / 60));
      expect(card).toContain(
        `Takes about ${minutes} min on this lab&#x27;s reference machine (wasm)`,
      );
    }
  });
});
