/**
 * Whether a WebGL renderer string (WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL) names a
 * software rasteriser: SwiftShader (Chromium's fallback, also in VMs and remote desktops),
 * Mesa's llvmpipe and softpipe, Windows' Basic Render Driver.
 */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}
