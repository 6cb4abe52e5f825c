/**
 * How EMC Lab starts Debian's Chromium, for the browser tests and for `npm run bench`
 * alike: nothing is downloaded, and no connection leaves the machine (without the
 * background-networking flags Chromium keeps calling Google's hosts).
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Gives a software WebGPU adapter (SwiftShader) without a GPU, a real GPU's adapter with one. */
export const WEBGPU_FLAG = '--enable-unsafe-webgpu';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
