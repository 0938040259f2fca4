/**
 * "About this device": what the browser offers (WebGPU, WASM threads, folders, storage,
 * offline) and which model the app picked for it, and why. No state; a pure view of the
 * capabilities and the model choice.
 */
import type { AboutInfo } from '../ui/types.ts';
import type { Capabilities } from './capabilities.ts';
import type { ModelEntry } from './model-catalog.ts';

const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;

export function aboutInfo(c: Capabilities | null, engineDevice: string | null, model: ModelEntry | undefined, reason: string): AboutInfo {
  const rows: AboutInfo['rows'] = c
    ? [
        { label: 'WebGPU', value: c.webgpu ? `${c.webgpu.adapter}${c.webgpu.shaderF16 ? ', shader-f16' : ', no shader-f16'}` : (c.webgpuMissing ?? 'not available'), ok: c.webgpu !== null },
        { label: 'WASM threads', value: c.crossOriginIsolated ? `${c.wasmThreads} (of ${c.cores} cores)` : '1 (the page is not cross-origin isolated)', ok: c.crossOriginIsolated },
        { label: 'Folders (File System Access)', value: c.fileSystemAccess ? 'yes: outputs are saved into the folder' : 'no: folders open read-only, outputs are downloaded', ok: c.fileSystemAccess },
        { label: 'Private storage (OPFS)', value: c.opfs ? 'yes' : 'no', ok: c.opfs },
        { label: 'Offline (service worker)', value: navigator.serviceWorker?.controller ? 'yes: the app works offline' : c.serviceWorker ? 'after the next load' : 'no', ok: c.serviceWorker },
        { label: 'Storage', value: c.storage ? `${gb(c.storage.usage)} used of ${gb(c.storage.quota)}${c.storage.persisted ? ', kept (persistent)' : ''}` : 'unknown', ok: null },
        { label: 'Device memory', value: c.deviceMemoryGb ? `about ${c.deviceMemoryGb} GB` : 'not reported', ok: null },
        { label: 'Engine now', value: engineDevice ?? 'not started yet (starts with the first prompt)', ok: null },
      ]
    : [{ label: 'Capabilities', value: 'could not be read', ok: false }];
  const free = c?.storage && c.storage.quota > 0 ? `; ${gb(Math.max(0, c.storage.quota - c.storage.usage))} free for this site` : '';
  const size = model?.bytes ? ` (${model.bytes < 1e6 ? `${Math.ceil(model.bytes / 1e3)} kB` : `${(model.bytes / 1e6).toFixed(1)} MB`} download${free})` : '';
  return { rows, model: model ? `${model.name}${size}` : 'none available', reason: reason || 'no reason recorded' };
}
