import { existsSync, readdirSync } from 'node:fs';

/**
 * WebGPU in Node: Dawn's Node bindings (the npm package `webgpu`) give `navigator.gpu`, on
 * which TensorFlow.js' webgpu backend runs unchanged. Dawn drives the GPU through Vulkan
 * on Linux, so a machine needs a Vulkan loader (libvulkan.so.1) and a driver: a GPU
 * vendor's, or a software one (SwiftShader, Mesa's lavapipe) on a machine without a GPU.
 */
export type NodeWebGpu = { ok: true; adapter: string } | { ok: false; reason: string };

const SOFTWARE_HINT =
  "install a Vulkan loader and driver (Debian/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers, or your GPU vendor's driver), or use the SwiftShader driver that Debian's chromium ships: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium";

/** Where Vulkan loaders look for driver manifests (plus VK_ICD_FILENAMES / VK_DRIVER_FILES). */
const ICD_FOLDERS = [
  '/usr/share/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
];

/**
 * Whether a Vulkan driver is declared at all, without loading Dawn: `auto` skips WebGPU on
 * machines with none (Dawn would only print a warning and find no adapter).
 */
export function vulkanDriverDeclared(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return true;
  return ICD_FOLDERS.some(
    (folder) => existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.json')),
  );
}

let installed: Promise<NodeWebGpu> | undefined;

/**
 * Gives this process `navigator.gpu` and registers tfjs' webgpu backend, once; answers the
 * adapter's name, or why there is none in words that say what to install or set.
 */
export function installNodeWebGpu(): Promise<NodeWebGpu> {
  installed ??= install();
  return installed;
}

async function install(): Promise<NodeWebGpu> {
  let dawn: { create(options: string[]): GpuLike; globals: object };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (error) {
    return {
      ok: false,
      reason: `Dawn's Node bindings (the npm package webgpu) could not be loaded: ${(error as Error).message}`,
    };
  }
  const gpu = dawn.create([]);
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return {
      ok: false,
      reason: `requesting a WebGPU adapter failed (${String(error)}); ${SOFTWARE_HINT}`,
    };
  }
  if (!adapter) {
    const declared = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
    return {
      ok: false,
      reason: declared
        ? `no WebGPU adapter: the Vulkan driver ${declared} did not load (is its loader, libvulkan.so.1, on the library path?); ${SOFTWARE_HINT}`
        : `no WebGPU adapter: Dawn found no Vulkan driver on this machine; ${SOFTWARE_HINT}`,
    };
  }
  // tfjs' webgpu backend registers itself only if navigator.gpu exists when it is imported.
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(globalThis as { navigator?: object }).navigator, gpu },
    configurable: true,
    writable: true,
  });
  await import('@tensorflow/tfjs-backend-webgpu');
  const { vendor, architecture, description } = adapter.info ?? {};
  return {
    ok: true,
    adapter: [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter',
  };
}

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
}

interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}
