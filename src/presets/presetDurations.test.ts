import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets.ts';
import { PRESET_DURATIONS, presetDurationsOf, presetDurationText } from './presetDurations.ts';

describe('the presets’ measured durations', () => {
  it('are those of the latest fidelity bench (bench/fidelity.json)', () => {
    const fidelity = JSON.parse(readFileSync('bench/fidelity.json', 'utf8')) as Parameters<
      typeof presetDurationsOf
    >[0];
    expect(PRESET_DURATIONS).toEqual(presetDurationsOf(fidelity));
  });

  // parameter-wasteful came after the latest fidelity bench: its card shows no duration until
  // `npm run bench -- --fidelity` measures it (about 5 minutes by its variants' CLI runs).
  it('cover every preset of the five findings', () => {
    const measuredSince = new Set(['parameter-wasteful']);
    expect(Object.keys(PRESET_DURATIONS.seconds).sort()).toEqual(
      PRESETS.map((p) => p.id)
        .filter((id) => !measuredSince.has(id))
        .sort(),
    );
  });

  it('read as whole minutes, at least one', () => {
    const durations = { measuredAt: '', seconds: { a: 1024.3, b: 20, c: 86.1 } };
    expect(presetDurationText('a', durations)).toBe(
      "about 17 min on this lab's reference machine (wasm)",
    );
    expect(presetDurationText('b', durations)).toMatch(/^about 1 min /);
    expect(presetDurationText('c', durations)).toMatch(/^about 1 min /);
    expect(presetDurationText('unmeasured', durations)).toBeUndefined();
  });
});
