/**
 * The viewer's CPU display colours (DisplayMode 'cpu'): decides which volumes qualify, serves
 * NiiVue's DISPLAY_TEXTURE hook, and computes the colours of a window change in the colour
 * worker ahead of time, so the main thread only uploads them. A volume being opened gets only
 * the planes on screen coloured at first, on the main thread (shownFirst; a fortieth of a
 * 512×512×120 series), and the planes the crosshair moves to before each draw; the whole
 * volume follows from the worker once the first frame is on screen (0.3 s of colouring and
 * 0.3 s of upload on the main thread before the first slice, on the 2-core test machine).
 * Only the viewer uses it; only the viewer touches NiiVue.
 */
import type { Niivue, NVImage } from '@niivue/niivue';
import { ColourClient, type ColourParams } from './colour-client.ts';
import { greyAlphaBox, greyAlphaTexture, greyAlphaVolume, isGreyLut, type RasBox, type RawVoxels } from './display-texture.ts';
import type { RasMapping } from './label-layer.ts';

/** Run `task` at background priority (after input and rendering) where the platform has a scheduler. */
function background(task: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: (t: () => void, o: { priority: string }) => Promise<unknown> } }).scheduler;
  if (scheduler?.postTask) void scheduler.postTask(task, { priority: 'background' }).catch(() => undefined);
  else setTimeout(task, 0);
}

/** A texture coloured plane by plane: which planes (per axis) hold the colours of window `key`. */
interface PartialTexture {
  image: unknown;
  key: string;
  planes: [Set<number>, Set<number>, Set<number>];
}

export class DisplayColours {
  #client: ColourClient | null = null;
  /** The image whose voxels the colour worker holds, and their id there. */
  #workerVolume: { image: unknown; id: Promise<number> } | null = null;
  /** Colours the worker computed for the next DISPLAY_TEXTURE call. */
  #prepared: { image: unknown; key: string; greyAlpha: Uint8Array } | null = null;
  /** Colour computations in flight. */
  #work = 0;
  #counts = { cpu: 0, niivue: 0, inWorker: 0, shownOnly: 0, shownFirst: 0 };
  /** An image drawn only to build the GL's pipelines ahead (gl-warm-up.ts): its colours are not counted. */
  quiet: unknown = null;
  /** The image last given a colour texture: a new one may be shown planes first. */
  #textured: unknown = null;
  /**
   * A just-opened image whose texture holds only the planes drawn so far (per axis, for the
   * window `key`); the whole volume follows off the main thread (see shownFirst).
   */
  #partial: PartialTexture | null = null;
  /**
   * Asked when a newly opened image is to be coloured: true lets only the planes on screen be
   * coloured now (a fortieth of a 512×512×120 series: the first slice comes without the whole
   * volume's colouring and upload), the rest once the first frame is on screen, on the main
   * thread in small steps at background priority (no copy of the voxels to the colour worker,
   * no long task), until done or replaced (a new window's colours, another volume). The viewer
   * says false while a 3D render, which needs the whole volume, is on screen; null: never.
   */
  shownFirst: (() => boolean) | null = null;
  /** Called once a texture shown planes first is whole. */
  onFilled: (() => void) | null = null;

  /** With `cpu` false every volume is left to NiiVue. The worker starts at the first window change. */
  constructor(private readonly nv: Niivue, private readonly cpu: boolean) {}

  /**
   * Background colour volumes made so far by the CPU (inWorker of them in the worker) and by
   * NiiVue; shownOnly: recolourings of the slices shown only; shownFirst: opened images whose
   * texture began with the planes on screen only.
   */
  counts(): { cpu: number; niivue: number; inWorker: number; shownOnly: number; shownFirst: number } {
    return { ...this.#counts };
  }

  #count(image: unknown, kind: 'cpu' | 'niivue' | 'inWorker' | 'shownOnly' | 'shownFirst'): void {
    if (image !== this.quiet) this.#counts[kind]++;
  }

  /** Whether colours are being computed (the screen shows the old ones until then), or the shown volume's are still partial. */
  get working(): boolean {
    return this.#work > 0 || this.partial;
  }

  /** Drop prepared colours (the volume is gone). */
  forget(): void {
    this.#prepared = null;
    this.#partial = null;
    this.#textured = null;
  }

  /** Whether the shown image's texture holds only the planes drawn so far. */
  get partial(): boolean {
    return this.#partial !== null && this.#partial.image === this.nv.volumes[0];
  }

  dispose(): void {
    this.#client?.terminate();
    this.#client = null;
    this.#prepared = null;
  }

  /**
   * How the CPU colours this volume (display-texture.ts), or null where NiiVue must: without
   * `cpu`, and for anything but a scalar volume under a grey colour map with NiiVue's plain
   * min-to-max mapping (no negative map, modulation or atlas). `key` tells whether colours
   * computed earlier still fit.
   */
  #spec(image: unknown, voxels: unknown): { params: ColourParams; mapping: RasMapping; key: string } | null {
    if (!this.cpu) return null;
    const im = image as {
      hdr?: { datatypeCode?: number; intent_code?: number; scl_slope?: number; scl_inter?: number };
      colormap?: string; colormapInvert?: boolean; colormapNegative?: string; colormapType?: number;
      colormapLabel?: unknown; modulationImage?: unknown; cal_min?: number; cal_max?: number; opacity?: number;
    } & Partial<RasMapping>;
    const hdr = im.hdr;
    const scalar = ArrayBuffer.isView(voxels) && !(voxels instanceof DataView) && !(voxels instanceof BigInt64Array) && !(voxels instanceof BigUint64Array) && !(voxels instanceof Uint8ClampedArray);
    const plain = hdr && hdr.datatypeCode !== 128 && hdr.datatypeCode !== 2304 && hdr.intent_code !== 1002
      && !im.colormapNegative && (im.colormapType ?? 0) === 0 && !im.colormapLabel && (im.modulationImage ?? null) === null
      && im.dimsRAS && im.img2RASstart && im.img2RASstep && Number.isFinite(im.cal_min) && Number.isFinite(im.cal_max);
    if (!scalar || !plain) return null;
    const lut = this.nv.colormap(im.colormap ?? 'gray', im.colormapInvert ?? false);
    if (!isGreyLut(lut)) return null;
    const params: ColourParams = {
      slope: Number.isFinite(hdr.scl_slope) ? hdr.scl_slope! : 1,
      intercept: Number.isFinite(hdr.scl_inter) ? hdr.scl_inter! : 0,
      min: im.cal_min!,
      max: im.cal_max!,
      lut,
      opacity: im.opacity ?? 1,
    };
    const key = JSON.stringify({ ...params, lut: `${im.colormap ?? 'gray'}/${im.colormapInvert === true}`, voxels: (voxels as RawVoxels).length });
    return { params, mapping: im as RasMapping, key };
  }

  /**
   * The DISPLAY_TEXTURE hook: the background volume's colour texture from the CPU, or null to
   * let NiiVue make it. Colours the worker prepared for this image and window are used as they
   * are; otherwise (NiiVue changing the window itself, say) they are computed here.
   */
  texture(image: unknown, voxels: unknown, old: WebGLTexture | null): WebGLTexture | null {
    const spec = this.#spec(image, voxels);
    const opened = image !== this.#textured;
    this.#textured = image;
    this.#partial = null;
    if (!spec) {
      this.#count(image, 'niivue');
      return null;
    }
    const prepared = this.#prepared;
    let greyAlpha: Uint8Array | null;
    this.#prepared = null; // used once: not kept (as large as the volume's texture)
    const dims: [number, number, number] = [spec.mapping.dimsRAS[1]!, spec.mapping.dimsRAS[2]!, spec.mapping.dimsRAS[3]!];
    if (prepared && prepared.image === image && prepared.key === spec.key) {
      greyAlpha = prepared.greyAlpha;
      this.#count(image, 'inWorker');
    } else if (opened && (voxels as RawVoxels).length >= dims[0] * dims[1] * dims[2] && this.shownFirst?.()) {
      greyAlpha = null; // the planes on screen only, just below
    } else {
      greyAlpha = greyAlphaVolume({ ...spec.params, voxels: voxels as RawVoxels }, spec.mapping);
    }
    const texture = greyAlphaTexture(this.nv.gl, old, dims, greyAlpha);
    if (!greyAlpha) {
      this.#partial = { image, key: spec.key, planes: [new Set(), new Set(), new Set()] };
      this.#paintPlanes(texture, spec, voxels as RawVoxels, this.nv.scene.crosshairPos, this.#partial.planes);
      this.#count(image, 'shownFirst');
      this.#fillLater(image);
    } else {
      this.#count(image, 'cpu');
    }
    return texture;
  }

  /**
   * Before a draw while the texture is partial: the planes the crosshair is on now, where they
   * are not drawn yet for the current window (a scroll or a window step during the first second).
   */
  completeShown(): void {
    const current = this.#current();
    if (current) this.#paintPlanes(current.texture, current.spec, current.voxels, this.nv.scene.crosshairPos, current.partial.planes);
  }

  /**
   * The next planes of a partial texture (whole z planes, lowest first, those not coloured yet
   * for the current window) for about `budgetMs`: the caller repeats it in idle time until it
   * returns false, the volume then whole (for any later window the worker colours it all).
   */
  fillStep(budgetMs: number): boolean {
    const current = this.#current();
    if (!current) return false;
    const { texture, spec, voxels, partial } = current;
    const [nx, ny, nz] = [spec.mapping.dimsRAS[1]!, spec.mapping.dimsRAS[2]!, spec.mapping.dimsRAS[3]!];
    const done = partial.planes[2];
    const gl = this.nv.gl;
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_3D, texture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    const c = { ...spec.params, voxels };
    const start = performance.now();
    let z = 0;
    while (z < nz && performance.now() - start < budgetMs) {
      while (z < nz && done.has(z)) z++;
      let end = z;
      // a run of planes still to do, up to about 1 M voxels (a 10-20 ms step on a 2-core laptop)
      while (end < nz && !done.has(end) && (end - z + 1) * nx * ny <= Math.max(nx * ny, 1 << 20)) end++;
      if (end === z) break;
      const box: RasBox = { x0: 0, y0: 0, z0: z, x1: nx, y1: ny, z1: end };
      gl.texSubImage3D(gl.TEXTURE_3D, 0, 0, 0, z, nx, ny, end - z, gl.LUMINANCE_ALPHA, gl.UNSIGNED_BYTE, greyAlphaBox(c, spec.mapping, box));
      for (let k = z; k < end; k++) done.add(k);
      z = end;
    }
    if (done.size < nz) return true;
    this.#partial = null;
    this.#count(partial.image, 'cpu');
    return false;
  }

  /**
   * The rest of a partial texture, from the frame after the next (the first one with the
   * volume is on screen then). Each step waits until the GL has done the work queued before it
   * (a fence): on a software GL uploads queued faster than it takes them would hold up the
   * frames the user sees behind them.
   */
  #fillLater(image: unknown): void {
    const gl = this.nv.gl;
    const fences = typeof gl.fenceSync === 'function';
    let fence: WebGLSync | null = null;
    const glDone = (): boolean => {
      if (!fence || gl.getSyncParameter(fence, gl.SYNC_STATUS) === gl.SIGNALED) {
        if (fence) gl.deleteSync(fence);
        fence = null;
        return true;
      }
      return false;
    };
    const stop = () => {
      if (this.#partial?.image === image) this.#partial = null; // not left "partial" (and working) forever
    };
    const step = (): void => {
      if (gl.isContextLost?.()) return stop(); // a lost context takes no uploads (its fences never signal)
      if (this.#partial?.image !== image) { // replaced
        if (fence) gl.deleteSync(fence);
        return;
      }
      if (!glDone()) {
        setTimeout(step, 8);
        return;
      }
      let more: boolean;
      try {
        more = this.fillStep(12);
      } catch {
        stop(); // NiiVue colours the whole volume its own way instead
        this.nv.updateGLVolume();
        return;
      }
      if (!more) {
        stop();
        this.onFilled?.();
        return;
      }
      if (fences) fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
      background(step);
    };
    const start = () => {
      if (fences) fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0); // the first frame's work
      background(step);
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => requestAnimationFrame(start));
    else start();
  }

  /** The partial texture of the image on screen, with what colouring it needs. */
  #current(): { texture: WebGLTexture; spec: { params: ColourParams; mapping: RasMapping }; voxels: RawVoxels; partial: PartialTexture } | null {
    const partial = this.#partial;
    const image = this.nv.volumes[0];
    const texture = (this.nv as unknown as { volumeTexture?: WebGLTexture | null }).volumeTexture ?? null;
    if (!partial || partial.image !== image || !image || !texture) return null;
    const spec = this.#spec(image, image.img);
    if (!spec) return null;
    if (spec.key !== partial.key) {
      partial.key = spec.key;
      partial.planes = [new Set(), new Set(), new Set()];
    }
    return { texture, spec, voxels: image.img as RawVoxels, partial };
  }

  /**
   * The two texel planes around `at` (NiiVue's texture fractions) on each axis, coloured into
   * `texture`: linear filtering may blend them. Planes in `skip` are left, and those drawn added.
   */
  #paintPlanes(texture: WebGLTexture, spec: { params: ColourParams; mapping: RasMapping }, voxels: RawVoxels, at: ArrayLike<number>, skip?: Set<number>[]): void {
    const dims = [spec.mapping.dimsRAS[1]!, spec.mapping.dimsRAS[2]!, spec.mapping.dimsRAS[3]!];
    const gl = this.nv.gl;
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_3D, texture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    const c = { ...spec.params, voxels };
    for (let axis = 0; axis < 3; axis++) {
      const n = dims[axis]!;
      const first = Math.max(0, Math.min(n - 2, Math.floor((at[axis] ?? 0.5) * n - 0.5)));
      let [from, to] = [first, Math.min(n, first + 2)];
      const done = skip?.[axis];
      if (done) {
        while (from < to && done.has(from)) from++;
        while (to > from && done.has(to - 1)) to--;
        if (from === to) continue;
        for (let p = from; p < to; p++) done.add(p);
      }
      const box: RasBox = { x0: 0, y0: 0, z0: 0, x1: dims[0]!, y1: dims[1]!, z1: dims[2]! };
      const [lo, hi] = axis === 0 ? ['x0', 'x1'] as const : axis === 1 ? ['y0', 'y1'] as const : ['z0', 'z1'] as const;
      box[lo] = from;
      box[hi] = to;
      const pairs = greyAlphaBox(c, spec.mapping, box);
      gl.texSubImage3D(gl.TEXTURE_3D, 0, box.x0, box.y0, box.z0, box.x1 - box.x0, box.y1 - box.y0, box.z1 - box.z0, gl.LUMINANCE_ALPHA, gl.UNSIGNED_BYTE, pairs);
    }
  }

  /**
   * Recolour only the slices shown, for the image's current window, into the colour texture
   * NiiVue holds (a window drag: three planes cost ~1/40 of the volume; the whole volume
   * follows when the drag ends). `at` is the crosshair in NiiVue's texture fractions; the two
   * texel planes around it on each axis are redone, since linear filtering may blend them.
   * False where the CPU does not colour this image (the caller then recolours all of it).
   */
  paintShown(image: NVImage, at: ArrayLike<number>): boolean {
    const texture = (this.nv as unknown as { volumeTexture?: WebGLTexture | null }).volumeTexture ?? null;
    const spec = texture && image === this.nv.volumes[0] ? this.#spec(image, image.img) : null;
    if (!texture || !spec) return false;
    const dims = [spec.mapping.dimsRAS[1]!, spec.mapping.dimsRAS[2]!, spec.mapping.dimsRAS[3]!];
    if ((image.img as RawVoxels).length < dims[0]! * dims[1]! * dims[2]!) return false;
    this.#paintPlanes(texture, spec, image.img as RawVoxels, at);
    if (this.#partial?.image === image) this.#partial = { image, key: spec.key, planes: [new Set(), new Set(), new Set()] };
    this.#count(image, 'shownOnly');
    return true;
  }

  /**
   * Compute the image's colours for its current window in the worker, for the hook to take
   * (its voxels go to the worker once per image). Nothing to do where NiiVue colours; a
   * failure leaves the work to the hook, on the main thread.
   */
  async prepare(image: NVImage): Promise<void> {
    const voxels = image.img;
    const n = image.dimsRAS ? image.dimsRAS[1]! * image.dimsRAS[2]! * image.dimsRAS[3]! : -1;
    const spec = voxels && voxels.length === n ? this.#spec(image, voxels) : null;
    if (!spec) return;
    this.#work++;
    try {
      this.#client ??= new ColourClient();
      const client = this.#client;
      if (this.#workerVolume?.image !== image) {
        const old = this.#workerVolume;
        this.#workerVolume = { image, id: client.load(voxels as RawVoxels, spec.mapping) };
        if (old) void old.id.then((id) => client.drop(id)).catch(() => undefined);
      }
      const greyAlpha = await client.colour(await this.#workerVolume.id, spec.params);
      this.#prepared = { image, key: spec.key, greyAlpha };
    } catch {
      this.#prepared = null; // the hook computes them itself
    } finally {
      this.#work--;
    }
  }
}
