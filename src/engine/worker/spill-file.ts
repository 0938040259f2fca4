/**
 * The engine worker's spill file for spatial memories (track/memory-store.ts): one file in
 * this browser's private storage (OPFS, never the user's folder), opened once per worker with
 * a synchronous access handle (dedicated workers only) and emptied with each case's tracker.
 * A worker's file outlives it (a terminated worker cannot clean up): the next worker removes
 * every file no other worker holds. Null where OPFS is missing or refuses: the memories then
 * stay in RAM.
 */
import type { SpillFile } from './track/memory-store.ts';

const FOLDER = 'slicesam-engine';

export async function openSpillFile(): Promise<SpillFile | null> {
  try {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle(FOLDER, { create: true });
    for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) {
      await folder.removeEntry(name).catch(() => undefined); // held by another tab's worker: left to it
    }
    const handle = await folder.getFileHandle(`memories-${crypto.randomUUID()}.bin`, { create: true });
    return await (handle as unknown as { createSyncAccessHandle(): Promise<SpillFile> }).createSyncAccessHandle();
  } catch {
    return null;
  }
}
