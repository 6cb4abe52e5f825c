import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../worker/protocol.ts';
import { type KeyValueStorage, noteBackendChoice, rememberedBackend } from './backendMemory.ts';

function memoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

const info = (name: BackendInfo['name'], chosenBy?: BackendInfo['chosenBy']): BackendInfo => ({
  name,
  floatPrecision: 32,
  skipped: [],
  crossOriginIsolated: false,
  chosenBy,
});

describe('the backend auto remembers', () => {
  it('is what auto measured fastest, per model family', () => {
    const storage = memoryStorage();
    expect(rememberedBackend('mlp', storage)).toBeUndefined();
    noteBackendChoice('mlp', info('wasm', 'measured'), storage);
    noteBackendChoice('cnn', info('webgpu', 'measured'), storage);
    expect(rememberedBackend('mlp', storage)).toBe('wasm');
    expect(rememberedBackend('cnn', storage)).toBe('webgpu');
    expect(rememberedBackend('vit', storage)).toBeUndefined();
  });

  it('is not changed by a backend picked by hand or by its own reuse', () => {
    const storage = memoryStorage();
    noteBackendChoice('mlp', info('wasm', 'measured'), storage);
    noteBackendChoice('mlp', info('webgl'), storage);
    noteBackendChoice('mlp', info('wasm', 'remembered'), storage);
    expect(rememberedBackend('mlp', storage)).toBe('wasm');
  });

  it('ignores a stored value that names no backend', () => {
    const storage = memoryStorage();
    storage.setItem('emc-lab.auto-backend.mlp', 'quantum');
    expect(rememberedBackend('mlp', storage)).toBeUndefined();
  });
});
