import { describe, expect, it } from 'vitest';
import { trainingDevice } from './trainingDevice.ts';

describe('the training device, in plain words', () => {
  it('names the processor and the way to it', () => {
    expect(trainingDevice({ name: 'wasm' })).toBe('CPU (WebAssembly)');
    expect(trainingDevice({ name: 'cpu' })).toBe('CPU (plain JavaScript)');
    expect(trainingDevice({ name: 'webgl' })).toBe('GPU (WebGL)');
    expect(trainingDevice({ name: 'webgpu', adapter: 'nvidia ampere' })).toBe(
      'GPU (WebGPU: nvidia ampere)',
    );
  });

  it('says when a "GPU" is the CPU drawing', () => {
    expect(trainingDevice({ name: 'webgpu', adapter: 'google swiftshader' })).toBe(
      'CPU, through a software GPU (WebGPU on SwiftShader)',
    );
    expect(
      trainingDevice({
        name: 'webgl',
        adapter: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))',
      }),
    ).toBe('CPU, through a software GPU (WebGL on SwiftShader)');
  });
});
