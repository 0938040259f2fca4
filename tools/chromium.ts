/**
 * How tests and benchmarks start Chromium: the system browser (never one
 * Playwright downloads), headless, with no background network traffic, and
 * WebGL2 through SwiftShader so that NiiVue renders without a GPU.
 */
export const CHROMIUM_PATH = process.env.SLICESAM_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
]);
