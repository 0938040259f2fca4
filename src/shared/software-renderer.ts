/**
 * Software rasterisers by name: SwiftShader (Chromium's fallback, also in VMs and remote
 * desktops), Mesa's llvmpipe and softpipe, Windows' Basic Render Driver. One list for the
 * viewer (a WebGL renderer string) and the app and engine (a WebGPU adapter's vendor,
 * architecture and description). No state; imports nothing.
 */
const NAMES: readonly [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/softpipe/i, 'softpipe'],
  [/basic render/i, 'Basic Render Driver'],
  [/software/i, 'software'],
];

/** The software renderer one of these strings names ('SwiftShader', …), or null for hardware. */
export function softwareRendererName(...names: (string | undefined)[]): string | null {
  for (const [re, name] of NAMES) if (names.some((n) => n !== undefined && re.test(n))) return name;
  return null;
}

/** Whether a renderer string names a software rasteriser. */
export function isSoftwareRenderer(renderer: string): boolean {
  return softwareRendererName(renderer) !== null;
}

/** What a WebGPU adapter says of itself (GPUAdapterInfo, and the older isFallbackAdapter flag). */
export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<{ vendor?: string; architecture?: string; description?: string; device?: string }>;
}

/**
 * Why a WebGPU adapter is software ('SwiftShader', 'a fallback adapter'), or null for a
 * real GPU: a fallback adapter (the browser says so) or a software renderer by name.
 */
export async function softwareAdapter(adapter: AdapterLike): Promise<string | null> {
  let info = adapter.info;
  if (!info && typeof adapter.requestAdapterInfo === 'function') info = await adapter.requestAdapterInfo().catch(() => undefined);
  const named = softwareRendererName(info?.vendor, info?.architecture, info?.description, info?.device);
  if (named) return named;
  return info?.isFallbackAdapter || adapter.isFallbackAdapter ? 'a fallback adapter' : null;
}
