/** A model folder written by the exporter (manifest.json + the files it names), read in Node. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MODEL_FILE_KEYS, restoreManifest, type ModelFileKey, type ModelManifest } from '../../../src/engine/models/manifest.ts';

export function readModelDir(dir: string): { manifest: ModelManifest; files: Record<ModelFileKey, ArrayBuffer> } {
  const manifest = restoreManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), join(dir, 'manifest.json'));
  const files = {} as Record<ModelFileKey, ArrayBuffer>;
  for (const k of MODEL_FILE_KEYS) {
    const path = join(dir, basename(manifest.files[k].url));
    const b = readFileSync(path);
    if (b.byteLength !== manifest.files[k].bytes) throw new Error(`${path}: ${b.byteLength} bytes, the manifest says ${manifest.files[k].bytes}`);
    files[k] = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
  return { manifest, files };
}
