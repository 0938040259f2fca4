/**
 * The folder a test "picks": an OPFS folder handed out by a stand-in showDirectoryPicker
 * (the real picker cannot be automated), filled by the test, read back after a save.
 */
import type { BrowserContext, Page } from '@playwright/test';

export interface FolderFile {
  path: string;
  base64: string;
}

/** showDirectoryPicker hands out OPFS folder `root`; installed before any app script runs. */
export async function usePickerStandIn(context: BrowserContext, root: string): Promise<void> {
  await context.addInitScript((root) => {
    Object.defineProperty(window, 'showDirectoryPicker', {
      configurable: true,
      value: async () => (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true }),
    });
  }, root);
}

/** A clean slate: no remembered folders or autosaves, and OPFS folder `root` holding exactly `files`. */
export async function freshFolder(page: Page, root: string, files: readonly FolderFile[]): Promise<void> {
  await page.evaluate(async ({ root, files }) => {
    for (const db of ['slicesam-cohort', 'slicesam-autosave']) {
      await new Promise((done) => { const r = indexedDB.deleteDatabase(db); r.onsuccess = r.onerror = r.onblocked = () => done(null); });
    }
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry(root, { recursive: true }).catch(() => undefined);
    const top = await opfs.getDirectoryHandle(root, { create: true });
    for (const f of files) {
      let dir = top;
      const parts = f.path.split('/');
      for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
      const w = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await w.write(Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)));
      await w.close();
    }
  }, { root, files });
}

/** A file of OPFS folder `root`, or null when it is not there. */
export async function readFolderFile(page: Page, root: string, path: string): Promise<Buffer | null> {
  const b64 = await page.evaluate(async ({ root, path }) => {
    try {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
      const parts = path.split('/');
      for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
      const bytes = new Uint8Array(await (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).arrayBuffer());
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(bin);
    } catch {
      return null;
    }
  }, { root, path });
  return b64 === null ? null : Buffer.from(b64, 'base64');
}
