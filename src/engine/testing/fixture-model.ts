/**
 * The committed fixture model (models/fixture) read from disk, for tests in Node.
 * Test helper only; the app never imports it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { MODEL_FILE_KEYS, restoreManifest, type ModelFileKey, type ModelManifest } from '../models/manifest.ts';
import { OrtSam2Graphs } from '../worker/runtime/ort-graphs.ts';

export const FIXTURE_DIR = resolve(import.meta.dirname, '../../../models/fixture');

export function fixtureModel(): { manifest: ModelManifest; files: Record<ModelFileKey, ArrayBuffer> } {
  const manifest = restoreManifest(JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8')), 'models/fixture/manifest.json');
  const files = {} as Record<ModelFileKey, ArrayBuffer>;
  for (const k of MODEL_FILE_KEYS) {
    const b = readFileSync(join(FIXTURE_DIR, `${k}.${k === 'constants' ? 'json' : 'onnx'}`));
    files[k] = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  return { manifest, files };
}

/**
 * The fixture's graphs on onnxruntime-web WASM (1 thread) for a test file: created before its
 * tests, released after them. Read `graphs()` inside a test.
 */
export function useFixtureGraphs(): { manifest: ModelManifest; graphs: () => OrtSam2Graphs } {
  const { manifest, files } = fixtureModel();
  let graphs: OrtSam2Graphs | undefined;
  beforeAll(async () => {
    graphs = await OrtSam2Graphs.create(manifest, files, { device: 'wasm', threads: 1 });
  });
  afterAll(async () => {
    await graphs?.release();
  });
  return {
    manifest,
    graphs: () => {
      if (!graphs) throw new Error('the fixture graphs are made before the tests run');
      return graphs;
    },
  };
}
