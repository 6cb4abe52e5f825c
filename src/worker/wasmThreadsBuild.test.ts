import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { wasmThreadsSurviveMinification } from '../../vite.config.ts';

const require = createRequire(import.meta.url);
const factoryPath =
  require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');

type Transform = (this: { error(message: string): never }, code: string, id: string) => unknown;

function transform(code: string, id = factoryPath): string | undefined {
  const hook = wasmThreadsSurviveMinification().transform as Transform;
  return hook.call(
    {
      error: (message) => {
        throw new Error(message);
      },
    },
    code,
    id,
  ) as string | undefined;
}

describe('the build plugin that keeps the threaded wasm factory loadable in thread workers', () => {
  it("makes the factory's toString() its original, self-contained text", () => {
    const transformed = transform(readFileSync(factoryPath, 'utf8')) as string;
    // Load the transformed module as CommonJS, as the bundler does.
    const module = { exports: {} as unknown };
    new Function('module', 'exports', transformed)(module, module.exports);
    const factory = module.exports as () => unknown;
    // Its own toString: minification can rewrite the function, not this string.
    expect(Object.hasOwn(factory, 'toString')).toBe(true);
    const source = factory.toString();
    expect(source.startsWith('function(WasmBackendModuleThreadedSimd)')).toBe(true);
    // What a thread worker does with it: evaluate it on its own, in a fresh scope.
    const standalone = new Function(
      `var WasmBackendModuleThreadedSimd = ${source}; return WasmBackendModuleThreadedSimd;`,
    )();
    expect(typeof standalone).toBe('function');
  });

  it('leaves every other module alone and refuses a factory it no longer recognizes', () => {
    expect(transform('export const x = 1;', '/src/other.js')).toBeUndefined();
    expect(() => transform('var WasmBackendModuleThreadedSimd = 1;')).toThrow(
      'no longer has the expected layout',
    );
  });
});
