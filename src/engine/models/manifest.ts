/**
 * The model manifest: one JSON file per SAM2 model in `models/`, naming the
 * five ONNX graphs of SAM2's video predictor plus the constants table, where
 * each is fetched from, how big it is and (optionally) its sha256, and the
 * few facts about the export that change what the engine must do around the
 * graphs (image size, memory-bank layout, normalisation, SAM 2.0 vs 2.1).
 *
 * `restoreManifest` turns plain data (parsed JSON, unknown shape) into a typed
 * `ModelManifest`, or throws a `ManifestError` naming the file and the field.
 * Nothing here touches the network or onnxruntime.
 */

/** The five graphs, in the order the engine loads them. */
export const GRAPH_NAMES = ['vision_encoder', 'mask_decoder', 'memory_encoder', 'memory_attention', 'pointer_tpos'] as const;
export type GraphName = (typeof GRAPH_NAMES)[number];

/** Every file a manifest names: the five graphs, then the constants table. */
export const MODEL_FILE_KEYS = [...GRAPH_NAMES, 'constants'] as const;
export type ModelFileKey = (typeof MODEL_FILE_KEYS)[number];

/** SAM 2.0 and 2.1 differ in how object pointers get their temporal position encoding. */
export type SamVersion = '2.0' | '2.1';
export type Precision = 'fp32' | 'fp16';
export type ImageSize = 1024 | 512;
/** Whether the manifest's values were checked against a published source (see docs/models.md). */
export type ManifestStatus = 'verified' | 'unverified';

/** One downloadable file. */
export interface ModelFileEntry {
  /**
   * Where the file is: a relative path, resolved against the app's base URL
   * (e.g. `models/sam2.1-fixture/vision_encoder.onnx`), or an absolute https URL
   * (http only for loopback hosts, for local development and tests).
   */
  url: string;
  /** Exact byte size. */
  bytes: number;
  /** Lower-case hex sha256 of the file, when it is published. */
  sha256?: string;
}

/**
 * The memory bank the memory-attention graph takes: either a fixed number of
 * rows (spatial memories + object-pointer tokens, padded when fewer exist) or
 * a dynamic row count, when the graph was exported with a dynamic axis.
 */
export type BankLayout =
  | { layout: 'fixed'; rows: number; memoryFrames: number; maxObjectPointers: number }
  | { layout: 'dynamic'; memoryFrames: number; maxObjectPointers: number };

export interface Normalisation {
  /** Per-channel RGB mean on [0, 1] pixel values. */
  mean: [number, number, number];
  /** Per-channel RGB standard deviation on [0, 1] pixel values. */
  std: [number, number, number];
}

/** Where the export comes from (informational, shown in the UI and the README). */
export interface ModelOrigin {
  repository: string;
  revision?: string;
  license?: string;
  homepage?: string;
}

export interface ModelManifest {
  id: string;
  name: string;
  version: SamVersion;
  status: ManifestStatus;
  precision: Precision;
  /**
   * The arithmetic: an fp16 model whose weights are only stored as float16 (Cast to float32
   * where read, as tools/export writes them) computes in fp32 and needs no shader-f16.
   * Left out, it is the precision.
   */
  compute: Precision;
  imageSize: ImageSize;
  /** Derived: imageSize / 16 (64 at 1024, 32 at 512). */
  featureGrid: number;
  bank: BankLayout;
  normalisation: Normalisation;
  files: Record<ModelFileKey, ModelFileEntry>;
  origin?: ModelOrigin;
  /** Free text: where the values were confirmed, caveats. */
  notes?: string;
}

/** A manifest that cannot be used; `file` is where it came from, `field` the dotted path. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field === '' ? '' : `"${field}" `}${reason}`);
  }

  toJSON(): { file: string; field: string; reason: string; message: string } {
    return { file: this.file, field: this.field, reason: this.reason, message: this.message };
  }
}

const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const KNOWN_KEYS = new Set([
  '$schema', 'id', 'name', 'version', 'status', 'precision', 'compute', 'imageSize', 'featureGrid', 'bank', 'normalisation', 'files', 'origin', 'notes',
]);

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * Validate a parsed manifest. `source` names where it came from (a file name or
 * URL) and prefixes every error. Unknown top-level keys are rejected, so a typo
 * never silently drops a setting.
 */
export function restoreManifest(json: unknown, source: string): ModelManifest {
  const fail = (field: string, reason: string): never => {
    throw new ManifestError(source, field, reason);
  };
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  const obj = (v: unknown, field: string): Obj => (isObj(v) ? v : fail(field, `must be an object (got ${describe(v)})`));
  const str = (v: unknown, field: string): string =>
    typeof v === 'string' && v.trim() !== '' ? v : fail(field, `must be a non-empty string (got ${describe(v)})`);
  const oneOf = <T extends string | number>(v: unknown, field: string, allowed: readonly T[]): T =>
    allowed.includes(v as T) ? (v as T) : fail(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')} (got ${describe(v)})`);
  const posInt = (v: unknown, field: string): number =>
    typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : fail(field, `must be a positive integer (got ${describe(v)})`);
  const triple = (v: unknown, field: string, positive: boolean): [number, number, number] => {
    if (!Array.isArray(v) || v.length !== 3) return fail(field, `must be an array of 3 numbers (got ${describe(v)})`);
    return v.map((x, i) =>
      typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0)
        ? x
        : fail(`${field}[${i}]`, `must be a ${positive ? 'positive ' : ''}finite number (got ${describe(x)})`),
    ) as [number, number, number];
  };

  const root = obj(json, '');
  for (const k of Object.keys(root)) if (!KNOWN_KEYS.has(k)) fail(k, 'is not a manifest field');

  const id = str(root.id, 'id');
  if (!ID_RE.test(id)) fail('id', `must be lower-case letters, digits, ".", "_" or "-" (at most 64) (got ${describe(id)})`);
  const name = str(root.name, 'name');
  const version = oneOf(root.version, 'version', ['2.0', '2.1'] as const);
  const status = root.status === undefined ? 'verified' : oneOf(root.status, 'status', ['verified', 'unverified'] as const);
  const precision = oneOf(root.precision, 'precision', ['fp32', 'fp16'] as const);
  const compute = root.compute === undefined ? precision : oneOf(root.compute, 'compute', ['fp32', 'fp16'] as const);
  if (precision === 'fp32' && compute === 'fp16') fail('compute', 'cannot be "fp16" for fp32 weights');
  const imageSize = oneOf(root.imageSize, 'imageSize', [1024, 512] as const);
  const featureGrid = imageSize / 16;
  if (root.featureGrid !== undefined && root.featureGrid !== featureGrid) {
    fail('featureGrid', `must be imageSize / 16 = ${featureGrid} (got ${describe(root.featureGrid)}); it may be left out`);
  }

  const b = obj(root.bank, 'bank');
  const layout = oneOf(b.layout, 'bank.layout', ['fixed', 'dynamic'] as const);
  const memoryFrames = posInt(b.memoryFrames, 'bank.memoryFrames');
  const maxObjectPointers = b.maxObjectPointers === 0 ? 0 : posInt(b.maxObjectPointers, 'bank.maxObjectPointers');
  let bank: BankLayout;
  if (layout === 'fixed') {
    const rows = posInt(b.rows, 'bank.rows');
    const spatial = memoryFrames * featureGrid * featureGrid;
    if (rows < spatial) {
      fail('bank.rows', `must hold at least memoryFrames × featureGrid² = ${spatial} rows (got ${rows})`);
    }
    bank = { layout, rows, memoryFrames, maxObjectPointers };
  } else {
    if (b.rows !== undefined) fail('bank.rows', 'must be left out when bank.layout is "dynamic"');
    bank = { layout, memoryFrames, maxObjectPointers };
  }

  const n = obj(root.normalisation, 'normalisation');
  const normalisation: Normalisation = { mean: triple(n.mean, 'normalisation.mean', false), std: triple(n.std, 'normalisation.std', true) };

  const f = obj(root.files, 'files');
  for (const k of Object.keys(f)) {
    if (!(MODEL_FILE_KEYS as readonly string[]).includes(k)) fail(`files.${k}`, `is not a model file (expected ${MODEL_FILE_KEYS.join(', ')})`);
  }
  const files = {} as Record<ModelFileKey, ModelFileEntry>;
  for (const key of MODEL_FILE_KEYS) {
    const e = obj(f[key], `files.${key}`);
    const url = str(e.url, `files.${key}.url`);
    checkLocation(url, `files.${key}.url`, fail);
    const bytes = posInt(e.bytes, `files.${key}.bytes`);
    const entry: ModelFileEntry = { url, bytes };
    if (e.sha256 !== undefined) {
      if (typeof e.sha256 !== 'string' || !SHA256_RE.test(e.sha256)) {
        fail(`files.${key}.sha256`, `must be 64 lower-case hex digits (got ${describe(e.sha256)})`);
      }
      entry.sha256 = e.sha256 as string;
    }
    for (const k of Object.keys(e)) if (!['url', 'bytes', 'sha256'].includes(k)) fail(`files.${key}.${k}`, 'is not a file field');
    files[key] = entry;
  }

  const manifest: ModelManifest = { id, name, version, status, precision, compute, imageSize, featureGrid, bank, normalisation, files };
  if (root.origin !== undefined) {
    const o = obj(root.origin, 'origin');
    const origin: ModelOrigin = { repository: str(o.repository, 'origin.repository') };
    if (o.revision !== undefined) origin.revision = str(o.revision, 'origin.revision');
    if (o.license !== undefined) origin.license = str(o.license, 'origin.license');
    if (o.homepage !== undefined) origin.homepage = str(o.homepage, 'origin.homepage');
    manifest.origin = origin;
  }
  if (root.notes !== undefined) manifest.notes = str(root.notes, 'notes');
  return manifest;
}

/** A file location: a relative path inside the app (no "..", no leading "/"), or https (http on loopback). */
function checkLocation(url: string, field: string, fail: (field: string, reason: string) => never): void {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return fail(field, `is not a valid URL (got ${describe(url)})`);
    }
    if (u.protocol === 'https:') return;
    if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return;
    return fail(field, `must be a relative path under the app's models/ folder or an https URL (got ${describe(url)})`);
  }
  if (url.startsWith('/') || url.startsWith('\\')) fail(field, `must be relative to the app, not start with "/" (got ${describe(url)})`);
  if (url.split(/[/\\]/).some((s) => s === '..')) fail(field, `must not leave the app's folder with ".." (got ${describe(url)})`);
}

/** Total download size of a manifest's files. */
export function manifestBytes(m: ModelManifest): number {
  return MODEL_FILE_KEYS.reduce((n, k) => n + m.files[k].bytes, 0);
}
