/**
 * A yardstick for the machine, measured in the benchmark's page before anything else: the same
 * build gave twice the brush and scrolling times on two test machines of the same kind (2 cores,
 * SwiftShader), so each report says how fast this machine is at the two things the figures
 * depend on. Neither touches the app.
 *  - JS: one min/max pass over 31 M uint16 voxels (a 512×512×120 series), best of 3.
 *  - GL: a 1280×800 frame of a fragment shader sampling a 256×256×64 LUMINANCE_ALPHA 3D texture
 *    (as the slice tiles do), each waited for with readPixels; median of 12 after 3 to warm up.
 * Runs in the page (page.evaluate): self-contained.
 */
export interface Calibration {
  jsPassMs: number;
  glFrameMs: number | null;
}

export async function calibrate(): Promise<Calibration> {
  const voxels = new Uint16Array(512 * 512 * 120);
  for (let i = 0; i < voxels.length; i++) voxels[i] = (i * 2654435761) >>> 20;
  let jsPassMs = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    let mn = 65535, mx = 0;
    for (let i = 0; i < voxels.length; i++) {
      const v = voxels[i]!;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    jsPassMs = Math.min(jsPassMs, performance.now() - t + (mn > mx ? 1 : 0));
  }

  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = 800;
  const gl = canvas.getContext('webgl2');
  if (!gl) return { jsPassMs, glFrameMs: null };
  const shader = (type: number, src: string): WebGLShader => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    return s;
  };
  const program = gl.createProgram()!;
  gl.attachShader(program, shader(gl.VERTEX_SHADER, `#version 300 es
    out vec2 uv;
    void main() { vec2 p = vec2(gl_VertexID & 1, gl_VertexID >> 1) * 2.0 - 1.0; uv = p * 0.5 + 0.5; gl_Position = vec4(p, 0, 1); }`));
  gl.attachShader(program, shader(gl.FRAGMENT_SHADER, `#version 300 es
    precision highp float; precision highp sampler3D;
    uniform sampler3D volume; uniform float z; in vec2 uv; out vec4 colour;
    void main() { vec4 v = texture(volume, vec3(uv, z)); colour = vec4(v.rrr, v.a); }`));
  gl.linkProgram(program);
  gl.useProgram(program);
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_3D, tex);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  const texels = new Uint8Array(256 * 256 * 64 * 2);
  for (let i = 0; i < texels.length; i++) texels[i] = i & 255;
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.LUMINANCE_ALPHA, 256, 256, 64, 0, gl.LUMINANCE_ALPHA, gl.UNSIGNED_BYTE, texels);
  const zAt = gl.getUniformLocation(program, 'z');
  const px = new Uint8Array(4);
  const times: number[] = [];
  for (let f = 0; f < 15; f++) {
    const t = performance.now();
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.uniform1f(zAt, (f % 64) / 64);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    if (f >= 3) times.push(performance.now() - t);
  }
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  times.sort((a, b) => a - b);
  return { jsPassMs, glFrameMs: times[times.length >> 1]! };
}
