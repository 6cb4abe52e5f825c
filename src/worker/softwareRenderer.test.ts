import { describe, expect, it } from 'vitest';
import { softwareRendererIn } from './softwareRenderer.ts';

describe('softwareRendererIn', () => {
  it('names the software renderers browsers report for WebGPU and WebGL', () => {
    expect(softwareRendererIn('google swiftshader')).toBe('SwiftShader');
    expect(
      softwareRendererIn(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe('SwiftShader');
    expect(softwareRendererIn('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe('llvmpipe');
    expect(softwareRendererIn('mesa cpu llvmpipe lavapipe')).toBe('lavapipe');
    expect(
      softwareRendererIn(
        'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)',
      ),
    ).toBe('Microsoft Basic Render Driver');
  });

  it('leaves real GPUs and unknown adapters alone', () => {
    expect(softwareRendererIn('nvidia ampere NVIDIA GeForce RTX 3060')).toBeUndefined();
    expect(
      softwareRendererIn('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)'),
    ).toBeUndefined();
    expect(softwareRendererIn('Apple M2')).toBeUndefined();
    expect(softwareRendererIn(undefined)).toBeUndefined();
  });
});
