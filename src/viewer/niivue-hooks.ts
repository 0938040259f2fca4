/**
 * NiiVue's gradient volume lights the 3D render only; the build patches NiiVue so that it is
 * skipped while this property of the WebGL context is true (tools/vite/niivue-lazy-gradient.ts).
 */
export const SKIP_GRADIENT = '__slicesamSkipGradient';
