/**
 * Where a model's files come from, for models.ts: the folder the user picks (the File System
 * Access picker, walked here into files), and what a download would fetch (how many bytes,
 * from which hosts) given what the model cache holds already. Also the wording of the model
 * dialog. No state. Calls the folder picker (src/io/fs) and the model cache (src/engine/models).
 */
import { canPickDirectories, pickDirectory } from '../io/fs/index.ts';
import { iterable } from '../io/fs/types.ts';
import { restoreManifest } from '../engine/models/manifest.ts';
import { missingFromCache, openModelCache, resolveModelUrl } from '../engine/models/store.ts';
import type { PickedModelFile } from '../engine/protocol.ts';
import type { ModelDialogView } from '../ui/model-dialog.ts';

/** A model folder holds a manifest, five graphs and a table: more than this is the wrong folder. */
const MAX_FILES = 200;

export { canPickDirectories };

export function sizeText(bytes: number): string {
  return bytes < 1e6 ? `${Math.max(1, Math.ceil(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Ask for the model's folder and list its files (to three levels, hidden ones left out);
 * null when the user closes the picker. Call it within the user's click.
 */
export async function pickModelFolder(): Promise<PickedModelFile[] | null> {
  const root = await pickDirectory({ mode: 'read', id: 'slicesam-model' });
  if (!root) return null;
  const out: PickedModelFile[] = [];
  const walk = async (dir: FileSystemDirectoryHandle, prefix: string, depth: number): Promise<void> => {
    for await (const entry of iterable(dir).values()) {
      if (entry.name.startsWith('.')) continue;
      if (entry.kind === 'directory') {
        if (depth < 3) await walk(entry, `${prefix}${entry.name}/`, depth + 1);
      } else {
        if (out.length >= MAX_FILES) throw new Error(`"${root.name}" holds more than ${MAX_FILES} files: choose the model's own folder (manifest.json and its .onnx graphs)`);
        out.push({ path: prefix + entry.name, file: await (entry as FileSystemFileHandle).getFile() });
      }
    }
  };
  await walk(root, '', 0);
  return out;
}

export interface DownloadPlan {
  /** Bytes of the files not in the cache yet (0: the model loads without the network). */
  bytes: number;
  /** The hosts they come from, as shown to the user. */
  hosts: string[];
  /** All of them come from the app's own server (they are part of the deployment). */
  sameOrigin: boolean;
}

/** What loading this manifest would download; null when it is no valid manifest (the engine then says why). */
export async function downloadPlan(manifestJson: unknown, baseURI: string): Promise<DownloadPlan | null> {
  let manifest;
  try {
    manifest = restoreManifest(manifestJson, 'manifest');
  } catch {
    return null;
  }
  const missing = await missingFromCache(manifest, await openModelCache().catch(() => null), baseURI);
  const hosts = new Set<string>();
  let bytes = 0;
  let sameOrigin = true;
  for (const key of missing) {
    const url = new URL(resolveModelUrl(manifest.files[key].url, baseURI));
    bytes += manifest.files[key].bytes;
    if (url.origin !== location.origin) sameOrigin = false;
    hosts.add(url.origin === location.origin ? `${url.host} (this app's own server)` : url.host);
  }
  return { bytes, hosts: [...hosts], sameOrigin };
}

/** What to pick, in the user's words (tools/export writes this folder; docs/models.md). */
const FOLDER = 'the model\'s folder (manifest.json, five .onnx files and constants.json, as SliceSAM\'s model exporter writes them), or those files';

/** The dialog before a first download. */
export function askView(name: string, plan: DownloadPlan): ModelDialogView {
  return {
    kind: 'ask',
    title: 'Download the segmentation model?',
    facts: [['Model', name], ['Size', sizeText(plan.bytes)], ['From', plan.hosts.join(', ')]],
    lines: [
      'The model runs in this browser and is downloaded once: it is then kept here, also for use offline. Your images are never sent anywhere.',
      `Have the model on this computer or a USB stick? Choose files… loads it from ${FOLDER}.`,
    ],
    folderPicker: canPickDirectories(),
  };
}

/** The dialog when the model cannot be downloaded: offline, or the download failed (`failure`, in full). */
export function offlineView(name: string, plan: DownloadPlan | null, failure?: string): ModelDialogView {
  const from = plan?.hosts.join(', ') ?? 'its server';
  return {
    kind: 'offline',
    title: failure ? 'The model could not be downloaded' : 'You are offline',
    facts: [['Model', name], ...(plan ? ([['Size', sizeText(plan.bytes)]] as [string, string][]) : []), ['From', from]],
    lines: [
      failure
        ? `The download from ${from} failed: ${failure}. This computer seems to be offline, or ${from} cannot be reached from this network.`
        : `This computer is offline, and the model is not in this browser yet: it has to be downloaded once from ${from}.`,
      `Connect to the internet and prompt again, or choose files: load the model from ${FOLDER}.`,
    ],
    folderPicker: canPickDirectories(),
  };
}

/** The dialog after picked files were refused (`problem` names the file and why). */
export function refusedView(problem: string): ModelDialogView {
  return {
    kind: 'refused',
    title: 'These files are not a model SliceSAM can use',
    lines: [problem, `Nothing was kept. Copy the model again from where it came from, or choose ${FOLDER}.`],
    folderPicker: canPickDirectories(),
  };
}

/** The dialog of "From disk…" where the browser has no folder picker (its file inputs pick). */
export function pickView(): ModelDialogView {
  return {
    kind: 'pick',
    title: 'Load a model from disk',
    lines: [`Choose ${FOLDER}. They are checked (size, sha256, the graphs' inputs and outputs) and kept in this browser, so the model also works offline.`],
    folderPicker: false,
  };
}
