import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManifestError, manifestBytes, MODEL_FILE_KEYS, restoreManifest } from './manifest.ts';

const MODELS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../models');

function good(): Record<string, any> {
  const file = (name: string, bytes: number) => ({ url: `models/fixture/${name}`, bytes });
  return {
    id: 'sam2.1-fixture',
    name: 'Fixture',
    version: '2.1',
    precision: 'fp32',
    imageSize: 1024,
    bank: { layout: 'fixed', rows: 28736, memoryFrames: 7, maxObjectPointers: 16 },
    normalisation: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    files: {
      vision_encoder: { ...file('vision_encoder.onnx', 10), sha256: 'a'.repeat(64) },
      mask_decoder: file('mask_decoder.onnx', 20),
      memory_encoder: { url: 'https://example.org/m/memory_encoder.onnx', bytes: 30 },
      memory_attention: { url: 'http://127.0.0.1:8123/memory_attention.onnx', bytes: 40 },
      pointer_tpos: file('pointer_tpos.onnx', 50),
      constants: file('constants.json', 60),
    },
  };
}

/** The error restoreManifest throws for this input. */
function errorOf(json: unknown): ManifestError {
  try {
    restoreManifest(json, 'bad.json');
  } catch (e) {
    if (e instanceof ManifestError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

function mutate(f: (m: Record<string, any>) => void): Record<string, any> {
  const m = good();
  f(m);
  return m;
}

describe('restoreManifest', () => {
  it('answers a typed manifest with derived fields for a good one', () => {
    const m = restoreManifest(good(), 'good.json');
    expect(m.featureGrid).toBe(64);
    expect(m.status).toBe('verified');
    expect(m.bank).toEqual({ layout: 'fixed', rows: 28736, memoryFrames: 7, maxObjectPointers: 16 });
    expect(m.files.vision_encoder).toEqual({ url: 'models/fixture/vision_encoder.onnx', bytes: 10, sha256: 'a'.repeat(64) });
    expect(m.files.mask_decoder.sha256).toBeUndefined();
    expect(manifestBytes(m)).toBe(210);
    const small = restoreManifest(mutate((x) => {
      x.imageSize = 512;
      x.bank = { layout: 'dynamic', memoryFrames: 7, maxObjectPointers: 16 };
      x.status = 'unverified';
      x.featureGrid = 32;
    }), 'small.json');
    expect(small.featureGrid).toBe(32);
    expect(small.bank.layout).toBe('dynamic');
    expect(small.status).toBe('unverified');
  });

  it('does not keep a reference to the input', () => {
    const json = good();
    const m = restoreManifest(json, 'good.json');
    json.files.vision_encoder.bytes = 999;
    json.normalisation.mean[0] = 9;
    expect(m.files.vision_encoder.bytes).toBe(10);
    expect(m.normalisation.mean[0]).toBe(0.485);
  });

  const cases: [string, (m: Record<string, any>) => void, string, RegExp][] = [
    ['not an object', () => undefined, '', /must be an object/],
    ['unknown top-level key', (m) => { m.imgSize = 1024; }, 'imgSize', /not a manifest field/],
    ['missing id', (m) => { delete m.id; }, 'id', /non-empty string \(got missing\)/],
    ['bad id', (m) => { m.id = 'Has Spaces'; }, 'id', /lower-case/],
    ['empty name', (m) => { m.name = ' '; }, 'name', /non-empty string/],
    ['version', (m) => { m.version = '2.2'; }, 'version', /one of "2.0", "2.1" \(got "2.2"\)/],
    ['version as number', (m) => { m.version = 2.1; }, 'version', /one of/],
    ['status', (m) => { m.status = 'maybe'; }, 'status', /one of "verified", "unverified"/],
    ['precision', (m) => { m.precision = 'int8'; }, 'precision', /one of "fp32", "fp16"/],
    ['compute', (m) => { m.compute = 'int8'; }, 'compute', /one of "fp32", "fp16"/],
    ['compute above the weights', (m) => { m.compute = 'fp16'; }, 'compute', /fp32 weights/],
    ['imageSize', (m) => { m.imageSize = 768; }, 'imageSize', /one of 1024, 512 \(got 768\)/],
    ['featureGrid contradicts imageSize', (m) => { m.featureGrid = 32; }, 'featureGrid', /imageSize \/ 16 = 64/],
    ['bank missing', (m) => { delete m.bank; }, 'bank', /must be an object/],
    ['bank layout', (m) => { m.bank.layout = 'ring'; }, 'bank.layout', /one of "fixed", "dynamic"/],
    ['bank rows missing when fixed', (m) => { delete m.bank.rows; }, 'bank.rows', /positive integer/],
    ['bank rows fractional', (m) => { m.bank.rows = 10.5; }, 'bank.rows', /positive integer \(got 10.5\)/],
    ['bank rows too few', (m) => { m.bank.rows = 4096; }, 'bank.rows', /at least memoryFrames × featureGrid² = 28672/],
    ['bank rows with dynamic', (m) => { m.bank.layout = 'dynamic'; }, 'bank.rows', /left out/],
    ['bank memoryFrames', (m) => { m.bank.memoryFrames = 0; }, 'bank.memoryFrames', /positive integer/],
    ['bank maxObjectPointers', (m) => { m.bank.maxObjectPointers = -1; }, 'bank.maxObjectPointers', /positive integer/],
    ['normalisation missing', (m) => { delete m.normalisation; }, 'normalisation', /must be an object/],
    ['normalisation mean length', (m) => { m.normalisation.mean = [0.5, 0.5]; }, 'normalisation.mean', /array of 3 numbers/],
    ['normalisation mean NaN', (m) => { m.normalisation.mean[1] = 'x'; }, 'normalisation.mean[1]', /finite number/],
    ['normalisation std zero', (m) => { m.normalisation.std[2] = 0; }, 'normalisation.std[2]', /positive finite number/],
    ['files missing', (m) => { delete m.files; }, 'files', /must be an object/],
    ['a graph missing', (m) => { delete m.files.pointer_tpos; }, 'files.pointer_tpos', /must be an object \(got missing\)/],
    ['constants missing', (m) => { delete m.files.constants; }, 'files.constants', /must be an object/],
    ['unknown file', (m) => { m.files.image_encoder = { url: 'x', bytes: 1 }; }, 'files.image_encoder', /not a model file/],
    ['unknown file field', (m) => { m.files.mask_decoder.size = 1; }, 'files.mask_decoder.size', /not a file field/],
    ['url missing', (m) => { delete m.files.mask_decoder.url; }, 'files.mask_decoder.url', /non-empty string/],
    ['url absolute path', (m) => { m.files.mask_decoder.url = '/models/x.onnx'; }, 'files.mask_decoder.url', /not start with "\/"/],
    ['url leaves the app', (m) => { m.files.mask_decoder.url = 'models/../../x.onnx'; }, 'files.mask_decoder.url', /"\.\."/],
    ['url plain http', (m) => { m.files.mask_decoder.url = 'http://example.org/x.onnx'; }, 'files.mask_decoder.url', /https URL/],
    ['url other scheme', (m) => { m.files.mask_decoder.url = 'ftp://example.org/x.onnx'; }, 'files.mask_decoder.url', /https URL/],
    ['bytes zero', (m) => { m.files.memory_encoder.bytes = 0; }, 'files.memory_encoder.bytes', /positive integer \(got 0\)/],
    ['bytes as string', (m) => { m.files.memory_encoder.bytes = '30'; }, 'files.memory_encoder.bytes', /positive integer \(got "30"\)/],
    ['sha256 upper case', (m) => { m.files.vision_encoder.sha256 = 'A'.repeat(64); }, 'files.vision_encoder.sha256', /64 lower-case hex/],
    ['sha256 short', (m) => { m.files.vision_encoder.sha256 = 'abc'; }, 'files.vision_encoder.sha256', /64 lower-case hex/],
    ['origin repository', (m) => { m.origin = { revision: 'x' }; }, 'origin.repository', /non-empty string/],
    ['notes', (m) => { m.notes = 3; }, 'notes', /non-empty string/],
  ];

  it.each(cases)('rejects %s, naming the file and the field', (_what, f, field, reason) => {
    const e = errorOf(_what === 'not an object' ? [1, 2] : mutate(f));
    expect(e.file).toBe('bad.json');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(reason);
    expect(e.message.startsWith(field === '' ? 'bad.json: ' : `bad.json: "${field}" `)).toBe(true);
  });
});

describe('registry manifests in models/', () => {
  const names = readdirSync(MODELS).filter((n) => n.endsWith('.json'));

  it('has the three SAM 2.1 tiny video entries', () => {
    expect(names.sort()).toEqual(
      expect.arrayContaining(['sam2.1-tiny-video-fp16-1024.json', 'sam2.1-tiny-video-fp16-512.json', 'sam2.1-tiny-video-fp32-1024.json']),
    );
  });

  it.each(names)('%s restores, and its id is its file name', (name) => {
    const m = restoreManifest(JSON.parse(readFileSync(resolve(MODELS, name), 'utf8')), name);
    expect(`${m.id}.json`).toBe(name);
    for (const k of MODEL_FILE_KEYS) expect(m.files[k].url).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/[0-9a-f]{40}\//);
    if (m.bank.layout === 'fixed') {
      // Spatial memories plus 4 tokens (256 / 64) per object pointer.
      expect(m.bank.rows).toBe(m.bank.memoryFrames * m.featureGrid ** 2 + m.bank.maxObjectPointers * 4);
    }
  });
});
