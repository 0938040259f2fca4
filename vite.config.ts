import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * SharedArrayBuffer and multi-threaded wasm (onnxruntime-web) need a
 * cross-origin isolated page, so dev and preview both send COOP/COEP.
 * Whatever host serves dist/ in production must send the same two headers.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MODELS = resolve(dirname(fileURLToPath(import.meta.url)), 'models');

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
        const m = JSON.parse(readFileSync(path, 'utf8')) as { id?: unknown; name?: unknown };
        if (typeof m.id !== 'string' || typeof m.name !== 'string') return [];
        return [{ id: m.id, name: m.name, manifest: `models/${relative(MODELS, path).split(sep).join('/')}` }];
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

export default defineConfig({
  plugins: [appModels()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // NiiVue alone is ~1.5 MB; the warning would fire on every build.
    chunkSizeWarningLimit: 4000,
  },
});
