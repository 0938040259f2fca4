import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';
import { niivuePatches } from './tools/vite/niivue-patches.ts';

/**
 * SharedArrayBuffer and multi-threaded wasm (onnxruntime-web) need a
 * cross-origin isolated page, so dev and preview both send COOP/COEP.
 * Whatever host serves dist/ in production must send the same two headers.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const ROOT = dirname(fileURLToPath(import.meta.url));
const MODELS = resolve(ROOT, 'models');
const PUBLIC = resolve(ROOT, 'public');

function modelFiles(dir = MODELS): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modelFiles(path);
    return name.endsWith('.md') ? [] : [path];
  });
}

/** models/index.json: every manifest (models/<id>.json, models/<dir>/manifest.json) with its display name. */
function modelIndex(): string {
  const entries = modelFiles()
    .filter((path) => path.endsWith('.json') && (dirname(path) === MODELS || path.endsWith(`${sep}manifest.json`)))
    .flatMap((path) => {
      try {
        const m = JSON.parse(readFileSync(path, 'utf8')) as { id?: unknown; name?: unknown; files?: Record<string, { bytes?: number }> };
        if (typeof m.id !== 'string' || typeof m.name !== 'string') return [];
        const bytes = Object.values(m.files ?? {}).reduce((n, f) => n + (typeof f.bytes === 'number' ? f.bytes : 0), 0);
        return [{ id: m.id, name: m.name, manifest: `models/${relative(MODELS, path).split(sep).join('/')}`, bytes }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/**
 * The app's own models/ folder (manifests, the test fixture, and any graphs a site
 * deploys with the app) is served at /models/ in development and copied into dist/models/.
 */
function appModels(): Plugin {
  return {
    name: 'slicesam-models',
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        const rel = decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/+/, '');
        if (rel === 'index.json') {
          res.writeHead(200, { 'Content-Type': 'application/json', ...crossOriginIsolation });
          res.end(modelIndex());
          return;
        }
        const path = resolve(MODELS, rel);
        if (!path.startsWith(MODELS + sep) || !existsSync(path) || !statSync(path).isFile()) return next();
        const type = extname(path) === '.json' ? 'application/json' : 'application/octet-stream';
        res.writeHead(200, { 'Content-Type': type, 'Content-Length': statSync(path).size, ...crossOriginIsolation });
        createReadStream(path).pipe(res);
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'models/index.json', source: modelIndex() });
      for (const path of modelFiles()) {
        this.emitFile({ type: 'asset', fileName: `models/${relative(MODELS, path).split(sep).join('/')}`, source: readFileSync(path) });
      }
    },
  };
}

/**
 * dist/sw.js from src/sw/sw.ts, with the list of files to precache (everything the build
 * wrote except model graphs, which the engine caches on demand) and a version that changes
 * whenever any of them does.
 */
function serviceWorker(): Plugin {
  return {
    name: 'slicesam-service-worker',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const hash = createHash('sha256');
      const files: string[] = [];
      for (const [name, item] of Object.entries(bundle).sort(([a], [b]) => a.localeCompare(b))) {
        if (name.endsWith('.map') || (name.startsWith('models/') && !name.endsWith('.json'))) continue;
        files.push(name);
        hash.update(name).update(item.type === 'chunk' ? item.code : item.source);
      }
      for (const name of existsSync(PUBLIC) ? readdirSync(PUBLIC).sort() : []) {
        files.push(name);
        hash.update(name).update(readFileSync(join(PUBLIC, name)));
      }
      const version = hash.digest('hex').slice(0, 16);
      const precache = ['./', ...files.filter((f) => f !== 'index.html')];
      const source = readFileSync(resolve(ROOT, 'src/sw/sw.ts'), 'utf8');
      const { code } = await transformWithOxc(source, 'sw.ts', { lang: 'ts' });
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: `const PRECACHE = ${JSON.stringify(precache)};\nconst VERSION = ${JSON.stringify(version)};\n${code}`,
      });
    },
  };
}

/**
 * The production page's Content Security Policy: scripts only from the app (plus wasm
 * compilation for onnxruntime), connections only to the app and the model hosts named in
 * models/*.json. Not in development, where Vite injects inline scripts.
 */
function contentSecurityPolicy(): Plugin {
  const hosts = new Set<string>();
  for (const path of modelFiles().filter((p) => p.endsWith('.json'))) {
    try {
      const m = JSON.parse(readFileSync(path, 'utf8')) as { files?: Record<string, { url?: string }> };
      for (const f of Object.values(m.files ?? {})) if (f.url?.startsWith('https://')) hosts.add(new URL(f.url).origin);
    } catch {
      // not a manifest
    }
  }
  // Hugging Face answers file requests with a redirect to its storage hosts.
  if ([...hosts].some((h) => h.endsWith('huggingface.co'))) {
    hosts.add('https://*.huggingface.co');
    hosts.add('https://*.hf.co');
  }
  const policy = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src 'self' ${[...hosts].sort().join(' ')}`.trim(),
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
  return {
    name: 'slicesam-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  // Relative URLs: dist/ works from any static host under any base path.
  base: './',
  plugins: [niivuePatches(), appModels(), serviceWorker(), contentSecurityPolicy()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  // The dev server pre-bundles dependencies it finds by crawling from these files. Workers are
  // started by URL, so the crawl from index.html alone misses their imports (onnxruntime-web):
  // found late, at the first prompt, they made Vite reload the page and drop the open case.
  optimizeDeps: { entries: ['index.html', 'src/**/worker/*-worker.ts'] },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // NiiVue alone is ~1.5 MB; the warning would fire on every build.
    chunkSizeWarningLimit: 4000,
  },
});
