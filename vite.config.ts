import { defineConfig } from 'vite';

/**
 * SharedArrayBuffer and multi-threaded wasm (onnxruntime-web) need a
 * cross-origin isolated page, so dev and preview both send COOP/COEP.
 * Whatever host serves dist/ in production must send the same two headers.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
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
