import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { patchGradientGL } from './niivue-lazy-gradient.ts';
import { SKIP_GRADIENT } from '../../src/viewer/gradient.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The NiiVue module the app bundles (the package's "import" entry). */
function niivueModule(): string {
  const pkg = join(ROOT, 'node_modules/@niivue/niivue/package.json');
  const meta = JSON.parse(readFileSync(pkg, 'utf8')) as { exports: { '.': { import: string } } };
  return readFileSync(join(dirname(pkg), meta.exports['.'].import), 'utf8');
}

describe('the lazy-gradient patch of NiiVue', () => {
  it('inserts one early return at the start of the installed NiiVue\'s gradientGL', () => {
    const code = niivueModule();
    const patched = patchGradientGL(code);
    const line = `if (params.gl.${SKIP_GRADIENT} === true) return gradientTexture;`;
    expect(patched.split(line)).toHaveLength(2);
    expect(patched.length - code.length).toBe(line.length + 3);
    // the return comes before the first GL work of the function
    const fn = patched.indexOf('function gradientGL(params) {');
    expect(patched.indexOf(line, fn)).toBeLessThan(patched.indexOf('gl.createFramebuffer()', fn));
  });

  it('fails loudly when NiiVue no longer has the expected code', () => {
    expect(() => patchGradientGL('function somethingElse(params) {}')).toThrow(/NiiVue changed/);
    const twice = 'function gradientGL(params) {\n  let { gradientTexture } = params;\n}\n';
    expect(() => patchGradientGL(twice + twice)).toThrow(/not found once/);
  });

  it('the patched function skips its work only when the context says so', () => {
    const code = 'function gradientGL(params) {\n  const { gl } = params;\n  let { gradientTexture } = params;\n  gl.work();\n  return "new";\n}\nreturn gradientGL;';
    const gradientGL = new Function(patchGradientGL(code))() as (p: { gl: Record<string, unknown>; gradientTexture: string }) => string;
    let worked = 0;
    const gl: Record<string, unknown> = { work: () => { worked++; } };
    expect(gradientGL({ gl, gradientTexture: 'old' })).toBe('new');
    gl[SKIP_GRADIENT] = true;
    expect(gradientGL({ gl, gradientTexture: 'old' })).toBe('old');
    expect(worked).toBe(1);
  });
});
