/**
 * Whether a WebGL renderer string (WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL) names a
 * software rasteriser: SwiftShader (Chromium's fallback, also in VMs and remote desktops),
 * Mesa's llvmpipe and softpipe, Windows' Basic Render Driver (the list is in src/shared, which
 * the engine and the app share for WebGPU adapters).
 */
export { isSoftwareRenderer } from '../shared/software-renderer.ts';

/** The renderer's name as the browser reports it (unmasked where it allows), or ''. */
export function rendererName(gl: WebGL2RenderingContext): string {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  return typeof name === 'string' ? name : '';
}
