import type { ExperimentSpecInput } from '../engine/index.ts';
import { findingLabel, type Preset, PRESETS, variantSpec } from '../presets/presets.ts';

/**
 * One line per preset: id, finding and title, variants, separated by tabs. The id comes first
 * so that `emc-lab presets | cut -f1` lists the ids a script can pass to `run --preset`.
 */
export function formatPresetList(presets: readonly Preset[] = PRESETS): string {
  return presets
    .map(
      (preset) =>
        `${preset.id}\t${findingLabel(preset.finding)}: ${preset.title}\t${variantList(preset)}`,
    )
    .join('\n');
}

/** `0=SGD, batch 16; 1=full-batch GD`: the numbers `--variant` takes, with their labels. */
export function variantList(preset: Preset): string {
  return preset.variants.map((variant, index) => `${index}=${variant.label}`).join('; ');
}

export type PresetChoice =
  { ok: true; origin: string; spec: ExperimentSpecInput } | { ok: false; error: string };

/**
 * The spec `run --preset ID --variant K` measures, or a message naming what is wrong. A
 * preset with one variant needs no `--variant`; with several, guessing one would measure
 * half a comparison, so the person picks.
 */
export function choosePresetVariant(
  id: string,
  variant: string | undefined,
  presets: readonly Preset[] = PRESETS,
): PresetChoice {
  const preset = presets.find((candidate) => candidate.id === id);
  if (!preset) {
    const known = presets.map((candidate) => candidate.id).join(', ');
    return { ok: false, error: `unknown preset "${id}"; the presets are: ${known}` };
  }
  const choices = variantList(preset);
  if (variant === undefined && preset.variants.length > 1) {
    return {
      ok: false,
      error: `preset ${id} has ${preset.variants.length} variants; pick one with --variant K: ${choices}`,
    };
  }
  // A digits-only test refuses what Number() would accept: '', ' 1', '1.0', '0x1', '1e0'.
  if (variant !== undefined && !/^\d+$/.test(variant)) {
    return {
      ok: false,
      error: `--variant must be a variant number of preset ${id} (got "${variant}"): ${choices}`,
    };
  }
  const index = variant === undefined ? 0 : Number(variant);
  const chosen = preset.variants[index];
  if (!chosen) {
    return { ok: false, error: `preset ${id} has no variant ${index}; its variants: ${choices}` };
  }
  return {
    ok: true,
    origin: `preset ${id}, variant ${index} (${chosen.label})`,
    spec: variantSpec(preset, index),
  };
}
