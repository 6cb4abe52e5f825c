import { readdirSync, readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { build, defineConfig, type Plugin } from 'vite';
import { buildVersion, type PublicFile } from './src/sw/buildVersion.ts';

/**
 * Cross-origin isolation (COOP/COEP) makes SharedArrayBuffer available, which the WASM
 * backend needs for multithreading; served in dev and preview alike.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The built app's Content-Security-Policy: no eval of any kind (nothing from a link or a
 * file can become code), only WebAssembly compilation for tfjs' wasm backend and blob:
 * scripts (the wasm backend's thread workers load its factory from a Blob the page's own
 * code made; nothing from outside can create one), inline style
 * attributes for the charts, and nothing loaded from elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * tfjs-backend-wasm's threaded build starts its pthread workers from a Blob holding the
 * module factory's source, `factory.toString()`. Minification renames the factory's free
 * variables, so that source no longer runs on its own ("e is not defined", tfjs#4107):
 * make toString() answer the factory's original text, which is self-contained.
 */
export function wasmThreadsSurviveMinification(): Plugin {
  return {
    name: 'emc-lab-wasm-threads-survive-minification',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('wasm-out/tfjs-backend-wasm-threaded-simd.js')) return;
      const start = code.indexOf('function(WasmBackendModuleThreadedSimd)');
      const end = code.lastIndexOf('\n}\n);\n})();');
      if (start < 0 || end < 0) {
        this.error(
          'the threaded wasm factory no longer has the expected layout; see vite.config.ts',
        );
      }
      const original = code.slice(start, end + 2);
      return `${code}\nWasmBackendModuleThreadedSimd.toString = () => ${JSON.stringify(original)};\n`;
    },
  };
}

/** The policy travels in the page itself, so any static host serves it. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'emc-lab-content-security-policy',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<head>',
        `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      ),
  };
}

/** Lists every built file for the service worker (src/sw/sw.ts) to cache at install. */
function precacheManifest(): Plugin {
  return {
    name: 'emc-lab-precache-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      // Datasets are not precached (10 MB on a first visit that may never use them): the
      // service worker caches each file when a run first reads it.
      const publicFiles = readdirSync('public', { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
      // The benchmark page (bench.html and its chunk) is not part of the lab.
      const files = [...Object.keys(bundle), ...publicFiles].filter(
        (file) =>
          !['index.html', 'bench.html', 'sw.js'].includes(file) &&
          !file.startsWith('assets/bench-'),
      );
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
    },
  };
}

/**
 * Builds the service worker (src/sw/sw.ts) into dist/sw.js as one classic script (module
 * service workers are not in every browser), with this build's version written in: the
 * browser installs a service worker again only when its file changes, and the version names
 * the cache, so a new build never serves the old build's files.
 */
function serviceWorker(): Plugin {
  return {
    name: 'emc-lab-service-worker',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const built = await build({
        configFile: false,
        publicDir: false,
        logLevel: 'warn',
        define: { __EMC_LAB_BUILD__: JSON.stringify(buildVersion(bundle, publicFiles())) },
        build: {
          write: false,
          minify: true,
          lib: {
            entry: 'src/sw/sw.ts',
            formats: ['iife'],
            name: 'emcLab',
            fileName: () => 'sw.js',
          },
        },
      });
      const output = (Array.isArray(built) ? built[0] : built) as {
        output: Array<{ code?: string }>;
      };
      const code = output.output[0]?.code;
      if (!code) this.error('the service worker did not build');
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: code });
    },
  };
}

/** Every file under public/, which the build serves as it is. */
function publicFiles(): PublicFile[] {
  return readdirSync('public', { recursive: true, withFileTypes: true })
    .filter((file) => file.isFile())
    .map((file) => {
      const path = `${file.parentPath}/${file.name}`;
      return { path, bytes: readFileSync(path) };
    });
}

export default defineConfig({
  plugins: [
    react(),
    wasmThreadsSurviveMinification(),
    contentSecurityPolicy(),
    precacheManifest(),
    serviceWorker(),
  ],
  server: { headers: crossOriginIsolation },
  preview: {
    headers: {
      ...crossOriginIsolation,
      // frame-ancestors only works as a header (browsers ignore it in a meta tag).
      'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
    },
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // bench.html is the browser half of `npm run bench`; the lab never links to it.
    rollupOptions: { input: { lab: 'index.html', bench: 'bench.html' } },
  },
});
