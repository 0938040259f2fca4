/**
 * What this device can do (shown in "About this device"), and the model and backend the
 * app picks from it. The user can always choose another model.
 */
import { softwareAdapter, type AdapterLike } from '../shared/software-renderer.ts';

export interface Capabilities {
  webgpu: { adapter: string; shaderF16: boolean } | null;
  /** Why there is no WebGPU. */
  webgpuMissing?: string;
  /** The software renderer ('SwiftShader', …) when the only adapter is one: it counts as no GPU. */
  webgpuSoftware?: string;
  crossOriginIsolated: boolean;
  cores: number;
  /** Multi-threaded WASM: needs cross-origin isolation. */
  wasmThreads: number;
  fileSystemAccess: boolean;
  opfs: boolean;
  serviceWorker: boolean;
  /** GB, as the browser rounds it (navigator.deviceMemory), or null. */
  deviceMemoryGb: number | null;
  storage: { usage: number; quota: number; persisted: boolean } | null;
}

export interface GpuLike {
  requestAdapter(): Promise<(AdapterLike & { features: ReadonlySet<string> }) | null>;
}

/**
 * The WebGPU adapter as the app counts it. A software one (a fallback adapter, SwiftShader,
 * llvmpipe: the list in src/shared/software-renderer.ts) counts as none: WASM is faster.
 */
export async function detectWebgpu(gpu: GpuLike | undefined): Promise<Pick<Capabilities, 'webgpu' | 'webgpuMissing' | 'webgpuSoftware'>> {
  if (!gpu) return { webgpu: null, webgpuMissing: 'this browser has no WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { webgpu: null, webgpuMissing: 'no WebGPU adapter' };
    const software = await softwareAdapter(adapter);
    if (software) return { webgpu: null, webgpuSoftware: software, webgpuMissing: `WebGPU adapter is a software renderer (${software}): WASM is faster` };
    const info = adapter.info ?? {};
    return { webgpu: { adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter', shaderF16: adapter.features.has('shader-f16') } };
  } catch (e) {
    return { webgpu: null, webgpuMissing: `WebGPU failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export async function detectCapabilities(): Promise<Capabilities> {
  const nav = navigator as Navigator & { gpu?: GpuLike; deviceMemory?: number };
  const gpu = await detectWebgpu(nav.gpu);
  const cores = nav.hardwareConcurrency ?? 1;
  let storage: Capabilities['storage'] = null;
  try {
    const est = await nav.storage?.estimate?.();
    if (est) storage = { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted: (await nav.storage.persisted?.()) ?? false };
  } catch {
    storage = null;
  }
  return {
    ...gpu,
    crossOriginIsolated,
    cores,
    wasmThreads: crossOriginIsolated ? Math.min(8, cores) : 1,
    fileSystemAccess: typeof (window as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function',
    opfs: typeof nav.storage?.getDirectory === 'function',
    serviceWorker: 'serviceWorker' in nav,
    deviceMemoryGb: nav.deviceMemory ?? null,
    storage,
  };
}

export interface ModelChoice {
  id: string;
  reason: string;
}

/**
 * fp16 at 512 px where WebGPU has shader-f16 (integrated GPUs run it well); fp32 at 1024
 * on WebGPU without f16; on WASM the smallest model that runs there (fp32 graphs; fp16
 * weights run too but slower), preferring 512 px for speed.
 */
export function recommendModel(caps: Capabilities, models: readonly { id: string }[]): ModelChoice | null {
  const has = (id: string) => models.some((m) => m.id === id);
  const pick = (ids: string[], reason: string): ModelChoice | null => {
    const id = ids.find(has);
    return id ? { id, reason } : null;
  };
  if (caps.webgpu?.shaderF16) {
    return pick(['sam2.1-tiny-video-fp16-512', 'sam2.1-tiny-video-fp16-1024', 'sam2.1-tiny-video-fp32-1024'], `WebGPU with shader-f16 (${caps.webgpu.adapter}): fp16 at 512 px is fast on integrated GPUs`);
  }
  if (caps.webgpu) {
    return pick(['sam2.1-tiny-video-fp32-1024', 'sam2.1-tiny-video-fp16-512'], `WebGPU without shader-f16 (${caps.webgpu.adapter}): fp32 graphs`);
  }
  const threads = `${caps.wasmThreads} thread${caps.wasmThreads === 1 ? '' : 's'}`;
  return pick(
    ['sam2.1-tiny-video-fp16-512', 'sam2.1-tiny-video-fp32-1024'],
    caps.webgpuSoftware
      ? `${caps.webgpuMissing}; WASM on ${threads}, and 512 px keeps it responsive`
      : `no WebGPU (${caps.webgpuMissing ?? 'unavailable'}): WASM on ${threads}; 512 px keeps it responsive`,
  ) ?? (models[0] ? { id: models[0].id, reason: 'the only model available' } : null);
}

/** Whether the browser's storage can take a model download of `bytes`. */
export function storageVerdict(bytes: number, usage: number, quota: number): { ok: boolean; warning?: string; error?: string } {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  if (quota <= 0) return { ok: true };
  if (quota < bytes) {
    return { ok: false, error: `the model needs ${mb(bytes)} but this browser allows this site only ${mb(quota)}; free disk space or choose a smaller model` };
  }
  if (quota - usage < bytes) {
    // It may already be cached (then it needs no more room): warn and go on.
    return { ok: true, warning: `Storage is tight: ${mb(Math.max(0, quota - usage))} free for a ${mb(bytes)} model. If the download fails, free disk space or choose a smaller model.` };
  }
  return { ok: true };
}
