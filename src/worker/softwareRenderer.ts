/**
 * Recognizes a GPU that is really the CPU: SwiftShader (Chromium's fallback, common on school
 * laptops and VMs), Mesa's llvmpipe, lavapipe and softpipe, and Windows' Microsoft Basic Render
 * Driver. Such an adapter trains the lab's models many times slower than WebAssembly (177 ms
 * against 0.45 ms a step on wasm, docs/cli.md), so "auto" does not spend seconds timing
 * it. No TensorFlow.js here: the page imports it too.
 */
const SOFTWARE_RENDERERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/swift\s*shader/i, 'SwiftShader'],
  [/lavapipe/i, 'lavapipe'],
  [/llvmpipe/i, 'llvmpipe'],
  [/softpipe/i, 'softpipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
];

/** The software renderer named in an adapter or WebGL renderer string, if it is one. */
export function softwareRendererIn(description: string | undefined): string | undefined {
  if (!description) return undefined;
  return SOFTWARE_RENDERERS.find(([pattern]) => pattern.test(description))?.[1];
}
