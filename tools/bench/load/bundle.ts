/**
 * What is in the built JavaScript (Node side of `npm run bench:load`): gzip
 * sizes (zlib level 9, computed here from the files in dist/), and which
 * packages a chunk's bytes come from — from the source maps of a second build
 * with `--sourcemap` into a temporary folder (the same chunks, matched by name
 * without the hash), or, for chunks without a map, by grepping for markers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const gzipSize = (data: Buffer | string): number => gzipSync(data, { level: 9 }).byteLength;

/** 'viewer-controller-DSzX1DkI.js' → 'viewer-controller' (Vite's 8-character hash removed). */
export const chunkName = (file: string): string => basename(file).replace(/-[A-Za-z0-9_-]{8}\.(m?js)$/, '');

/** Build the app again with source maps into `outDir` (for attribution only). */
export function buildWithSourceMaps(root: string, outDir: string): { ok: boolean; ms: number; output: string } {
  const t = performance.now();
  const r = spawnSync('npx', ['vite', 'build', '--sourcemap', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, ms: performance.now() - t, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Decode one Base64 VLQ segment into its fields. */
function decodeSegment(seg: string): number[] {
  const out: number[] = [];
  let value = 0, shift = 0;
  for (const c of seg) {
    const d = B64_VALUE.get(c);
    if (d === undefined) throw new Error(`bad VLQ character ${c}`);
    value += (d & 31) << shift;
    if (d & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** The package a source path belongs to: the last node_modules/<pkg> in it, else the app folder. */
export function packageOf(source: string): string {
  const at = source.lastIndexOf('node_modules/');
  if (at >= 0) {
    const parts = source.slice(at + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const m = /(?:^|\/)src\/([^/]+)\//.exec(source);
  if (m) return `app: src/${m[1]}`;
  if (source.startsWith('\0') || source.includes('vite/') || source.includes('commonjsHelpers')) return '(bundler runtime)';
  return `other: ${source.split('/').slice(-2).join('/')}`;
}

export interface Attribution {
  /** package → characters of the minified chunk (≈ bytes; the code is ASCII almost everywhere) */
  byPackage: Map<string, number>;
  /** package → gzip -9 size of that package's text alone, concatenated (an estimate of its share of the chunk's gzip) */
  gzipByPackage: Map<string, number>;
  total: number;
}

/** Characters of `code` per package, from its source map (each mapped segment's text runs to the next segment). */
export function attributeWithMap(code: string, mapJson: string): Attribution {
  const map = JSON.parse(mapJson) as { sources: string[]; mappings: string };
  const lines = code.split('\n');
  const byPackage = new Map<string, number>();
  const text = new Map<string, string[]>();
  let li = 0;
  const add = (pkg: string, from: number, to: number): void => {
    if (to <= from) return;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + to - from);
    const t = text.get(pkg) ?? [];
    t.push((lines[li] ?? '').slice(from, to));
    text.set(pkg, t);
  };
  const pkgs = map.sources.map(packageOf);
  let src = 0;
  const mapped = map.mappings.split(';');
  for (; li < mapped.length; li++) {
    const lineMappings = mapped[li]!;
    const line = lines[li] ?? '';
    let col = 0;
    let prevCol = 0;
    let prevPkg = '(unmapped)';
    for (const seg of lineMappings ? lineMappings.split(',') : []) {
      const f = decodeSegment(seg);
      col += f[0]!;
      add(prevPkg, prevCol, col);
      if (f.length >= 4) {
        src += f[1]!;
        prevPkg = pkgs[src] ?? '(unmapped)';
      } else {
        prevPkg = '(unmapped)';
      }
      prevCol = col;
      // fields 2 and 3 (source line / column) are relative too, but only the source matters here
    }
    add(prevPkg, prevCol, line.length);
  }
  for (; li < lines.length; li++) add('(unmapped)', 0, lines[li]!.length);
  const gzipByPackage = new Map([...text.entries()].map(([pkg, parts]) => [pkg, gzipSize(parts.join(''))]));
  return { byPackage, gzipByPackage, total: code.length};
}

/** Markers of the packages this app uses, for chunks without a source map. */
const MARKERS: [string, RegExp][] = [
  ['@niivue/niivue', /niivue|Niivue/],
  ['lit', /lit-html|lit-element|\$lit\$|litElementHydrateSupport|_\$litElement\$/],
  ['onnxruntime-web', /onnxruntime|ort-wasm|InferenceSession/],
  ['comlink', /Comlink|comlink/],
  ['dicom-parser', /dicomParser|dicom-parser|x7fe00010/],
  ['nifti-reader-js', /nifti|NIFTI/],
  ['idb-keyval', /keyval-store|idb-keyval/],
  ['gl-matrix', /gl-matrix|glMatrix/],
  ['fflate', /fflate|inflateSync|unzlib/],
  ['zstd', /zstd|ZSTD/],
  ['blosc', /blosc|BLOSC/],
  ['lz4', /lz4|LZ4/],
];

export function markersIn(code: string): string[] {
  return MARKERS.filter(([, re]) => re.test(code)).map(([name, re]) => `${name} (${(code.match(new RegExp(re.source, 'g')) ?? []).length}×)`);
}

/** Source maps of a build folder by chunk name. */
export function mapsByChunk(dir: string): Map<string, { code: string; map: string }> {
  const out = new Map<string, { code: string; map: string }>();
  const assets = join(dir, 'assets');
  if (!existsSync(assets)) return out;
  for (const f of readdirSync(assets)) {
    if (!/\.m?js$/.test(f) || !existsSync(join(assets, `${f}.map`))) continue;
    out.set(chunkName(f), { code: readFileSync(join(assets, f), 'utf8'), map: readFileSync(join(assets, `${f}.map`), 'utf8') });
  }
  return out;
}

/** The top entries of an attribution as text: "pkg 123.4 kB (56%)". */
export function topPackages(a: Attribution, n = 6): string {
  return [...a.byPackage.entries()].sort((x, y) => y[1] - x[1]).slice(0, n)
    .map(([pkg, chars]) => `${pkg} ${(chars / 1000).toFixed(1)} kB (${((100 * chars) / a.total).toFixed(0)}%, ≈${((a.gzipByPackage.get(pkg) ?? 0) / 1000).toFixed(1)} kB gzip)`).join(', ');
}
