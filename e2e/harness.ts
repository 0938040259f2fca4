/**
 * Test pages that are not part of the app (e2e/pages/*.html): built with
 * Vite's API into dist/__<name>/ before a spec runs (the preview server serves
 * files added to dist/ after it started) and removed afterwards, so they never
 * stay in dist/, which may be deployed.
 */
import { rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const PAGES = resolve(dirname(fileURLToPath(import.meta.url)), 'pages');
const DIST = resolve(PAGES, '../../dist');

export interface Harness {
  /** The page's URL path on the preview server. */
  url: string;
  build(): Promise<void>;
  remove(): Promise<void>;
}

/** The harness built from e2e/pages/<name>.html. */
export function harness(name: string): Harness {
  const base = `/__${name}/`;
  const out = resolve(DIST, `__${name}`);
  return {
    url: `${base}${name}.html`,
    async build() {
      await build({
        configFile: false,
        root: PAGES,
        base,
        publicDir: false,
        logLevel: 'warn',
        worker: { format: 'es' },
        build: { outDir: out, emptyOutDir: true, target: 'es2022', rollupOptions: { input: resolve(PAGES, `${name}.html`) } },
      });
    },
    remove: () => rm(out, { recursive: true, force: true }),
  };
}
