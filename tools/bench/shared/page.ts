/**
 * Code shared by the benchmarks that runs IN THE PAGE (passed to
 * page.evaluate). Every function here must be self-contained: Playwright
 * sends its source text, so no imports and no module-level values. (tsx
 * compiles with esbuild's keepNames, which wraps inner functions in
 * `__name(…)`; pickerInitScript defines a no-op `__name` in the page for
 * that.) pickerInitScript itself runs in Node and returns the init script's
 * text.
 */

/** In every page: a no-op for esbuild's keepNames helper, and the folder picker answering `folder` in OPFS. */
export function pickerInitScript(folder: string): string {
  return `
    globalThis.__name ??= (f) => f;
    window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(${JSON.stringify(folder)});
  `;
}

/** Write one batch of files (base64) under `root` in OPFS, creating folders; answers the bytes written. */
export async function writeBatch(arg: { root: string; files: { path: string; b64: string }[] }): Promise<number> {
  const opfs = await navigator.storage.getDirectory();
  const top = await opfs.getDirectoryHandle(arg.root, { create: true });
  const dirs = new Map<string, FileSystemDirectoryHandle>([['', top]]);
  const dirOf = async (folder: string): Promise<FileSystemDirectoryHandle> => {
    const known = dirs.get(folder);
    if (known) return known;
    const at = folder.lastIndexOf('/');
    const parent = await dirOf(at < 0 ? '' : folder.slice(0, at));
    const made = await parent.getDirectoryHandle(folder.slice(at + 1), { create: true });
    dirs.set(folder, made);
    return made;
  };
  let bytes = 0;
  for (const f of arg.files) {
    const at = f.path.lastIndexOf('/');
    const dir = await dirOf(at < 0 ? '' : f.path.slice(0, at));
    const bin = atob(f.b64);
    const data = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
    const handle = await dir.getFileHandle(f.path.slice(at + 1), { create: true });
    const w = await handle.createWritable();
    await w.write(data);
    await w.close();
    bytes += data.byteLength;
  }
  return bytes;
}

/** Remove an OPFS folder (earlier bench data). */
export async function removeOpfsFolder(name: string): Promise<void> {
  const opfs = await navigator.storage.getDirectory();
  await opfs.removeEntry(name, { recursive: true }).catch(() => undefined);
}

/** The files under `folder` of OPFS folder `root` (paths from root, e.g. `labels/a.nii.gz`), with size and last change (ms since epoch); none when it is missing. */
export async function listOpfsFiles(arg: { root: string; folder: string }): Promise<{ path: string; size: number; lastModified: number }[]> {
  const out: { path: string; size: number; lastModified: number }[] = [];
  const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
    for await (const [name, handle] of (dir as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
      if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
      else {
        const f = await (handle as FileSystemFileHandle).getFile();
        out.push({ path: `${prefix}${name}`, size: f.size, lastModified: f.lastModified });
      }
    }
  };
  try {
    let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(arg.root);
    for (const part of arg.folder.split('/').filter(Boolean)) dir = await dir.getDirectoryHandle(part);
    await walk(dir, arg.folder.replace(/\/?$/, '/'));
  } catch {
    // missing
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Delete IndexedDB databases; answers what happened to each. */
export async function deleteDatabases(names: string[]): Promise<string[]> {
  return Promise.all(names.map((name) => new Promise<string>((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    let blocked = false;
    req.onblocked = () => { blocked = true; };
    req.onsuccess = () => resolve(`${name}: deleted${blocked ? ' (after being blocked)' : ''}`);
    req.onerror = () => resolve(`${name}: ${req.error?.message ?? 'error'}`);
  })));
}

export interface PageInfo {
  cores: number;
  /** The WebGL2 renderer ('none' without WebGL2, 'error' when asking threw). */
  webgl: string;
  isolated: boolean;
  /** A service worker controls the page. */
  controlled: boolean;
  /** navigator.gpu is there. */
  gpu: boolean;
  userAgent: string;
}

/** WebGL renderer, cores, isolation, service worker, WebGPU (machine info). */
export function pageInfo(): PageInfo {
  let webgl = 'none';
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      webgl = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    webgl = 'error';
  }
  return {
    cores: navigator.hardwareConcurrency, webgl, isolated: crossOriginIsolated, controlled: navigator.serviceWorker?.controller != null,
    gpu: 'gpu' in navigator && !!(navigator as { gpu?: unknown }).gpu, userAgent: navigator.userAgent,
  };
}
