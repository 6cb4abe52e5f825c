import measured from './presetDurations.json';

/**
 * How long each classroom preset took end to end (every variant and seed) in the latest
 * `npm run bench -- --fidelity`: in Node on wasm, on the lab's reference machine (the 2-core
 * dev machine, no GPU; see docs/speed.md). scripts/bench.ts writes presetDurations.json beside
 * bench/fidelity.json, and presetDurations.test.ts holds the two equal.
 */
export interface PresetDurations {
  measuredAt: string;
  /** Wall seconds by preset id. */
  seconds: Record<string, number>;
}

export const PRESET_DURATIONS: PresetDurations = measured;

/** The preset durations in bench/fidelity.json's runs ("1. fewer-samples-than-parameters"). */
export function presetDurationsOf(fidelity: {
  measuredAt: string;
  runs: ReadonlyArray<{ preset: string; seconds: number }>;
}): PresetDurations {
  return {
    measuredAt: fidelity.measuredAt,
    seconds: Object.fromEntries(
      fidelity.runs.map((run) => [
        run.preset.replace(/^\d+\.\s*/, ''),
        Math.round(run.seconds * 10) / 10,
      ]),
    ),
  };
}

/** "about 17 min on this lab's reference machine (wasm)", or undefined when not measured. */
export function presetDurationText(
  id: string,
  durations: PresetDurations = PRESET_DURATIONS,
): string | undefined {
  const seconds = durations.seconds[id];
  if (seconds === undefined) return undefined;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `about ${minutes} min on this lab's reference machine (wasm)`;
}
