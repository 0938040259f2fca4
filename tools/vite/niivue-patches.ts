/**
 * NiiVue recomputes a gradient volume (a blur and a Sobel pass over every slice) each time a
 * volume is uploaded or its window changes. Only the 3D render's lighting uses it, and on a
 * software GL it is most of the cost: about 10 of 13 s for a 512×512×120 series on this
 * project's 2-core test machine, against 2.5 s without it. This build-time patch lets the
 * viewer skip it while no 3D render is on screen: `gradientGL` returns at once when the
 * WebGL context carries SKIP_GRADIENT = true (src/viewer/viewer-controller.ts sets it, and
 * computes the gradient with `nv.gradientGL(hdr)` when a render is shown).
 *
 * The patch fails the build when NiiVue's code no longer has the shape it expects, so an
 * upgrade cannot silently drop it. (Vite's dev server pre-bundles NiiVue without plugins:
 * there the gradient is simply always computed, which is slower but correct.)
 */
import type { Plugin } from 'vite';

import { SKIP_GRADIENT } from '../../src/viewer/gradient.ts';

const MODULE = /[\\/]@niivue[\\/]niivue[\\/]build[\\/]niivue[\\/]index\.js$/;
const FUNCTION = 'function gradientGL(params) {';
const AFTER = 'let { gradientTexture } = params;';

/** NiiVue's module with the early return inserted (throws when the code is not as expected). */
export function patchGradientGL(code: string): string {
  const start = code.indexOf(FUNCTION);
  const at = start < 0 ? -1 : code.indexOf(AFTER, start);
  if (start < 0 || at < 0 || at - start > 1500 || code.indexOf(FUNCTION, start + 1) >= 0) {
    throw new Error(`NiiVue changed: "${FUNCTION} … ${AFTER}" not found once; see tools/vite/niivue-lazy-gradient.ts`);
  }
  const end = at + AFTER.length;
  return `${code.slice(0, end)}\n  if (params.gl.${SKIP_GRADIENT} === true) return gradientTexture;${code.slice(end)}`;
}

export function niivueLazyGradient(): Plugin {
  return {
    name: 'slicesam-niivue-lazy-gradient',
    transform(code, id) {
      if (!MODULE.test(id.split('?')[0]!)) return null;
      return { code: patchGradientGL(code), map: null };
    },
  };
}
