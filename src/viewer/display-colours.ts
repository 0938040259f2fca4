/**
 * The viewer's CPU display colours (DisplayMode 'cpu'): decides which volumes qualify, serves
 * NiiVue's DISPLAY_TEXTURE hook, and computes the colours of a window change in the colour
 * worker ahead of time, so the main thread only uploads them. A volume being opened is
 * coloured on the main thread, inside the open (about 0.1 s for a 512×512×120 series): through
 * the worker (a copy of the voxels there and the result back) the first slice came 0.1–0.3 s
 * later on the 2-core test machine, and the main thread is busy opening the case anyway.
 * Only the viewer uses it; only the viewer touches NiiVue.
 */
import type { Niivue, NVImage } from '@niivue/niivue';
import { ColourClient, type ColourParams } from './colour-client.ts';
import { greyAlphaBox, greyAlphaTexture, greyAlphaVolume, isGreyLut, type RasBox, type RawVoxels } from './display-texture.ts';
import type { RasMapping } from './label-layer.ts';

export class DisplayColours {
  #client: ColourClient | null = null;
  /** The image whose voxels the colour worker holds, and their id there. */
  #workerVolume: { image: unknown; id: Promise<number> } | null = null;
  /** Colours the worker computed for the next DISPLAY_TEXTURE call. */
  #prepared: { image: unknown; key: string; greyAlpha: Uint8Array } | null = null;
  /** Colour computations in flight. */
  #work = 0;
  #counts = { cpu: 0, niivue: 0, inWorker: 0, shownOnly: 0 };

  /** With `cpu` false every volume is left to NiiVue. The worker starts at the first window change. */
  constructor(private readonly nv: Niivue, private readonly cpu: boolean) {}

  /** Background colour volumes made so far by the CPU (inWorker of them in the worker) and by NiiVue; shownOnly: recolourings of the slices shown only. */
  counts(): { cpu: number; niivue: number; inWorker: number; shownOnly: number } {
    return { ...this.#counts };
  }

  /** Whether colours are being computed (the screen shows the old ones until then). */
  get working(): boolean {
    return this.#work > 0;
  }

  /** Drop prepared colours (the volume is gone). */
  forget(): void {
    this.#prepared = null;
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
    if (!spec) {
      this.#counts.niivue++;
      return null;
    }
    const prepared = this.#prepared;
    let greyAlpha: Uint8Array;
    this.#prepared = null; // used once: not kept (as large as the volume's texture)
    if (prepared && prepared.image === image && prepared.key === spec.key) {
      greyAlpha = prepared.greyAlpha;
      this.#counts.inWorker++;
    } else {
      greyAlpha = greyAlphaVolume({ ...spec.params, voxels: voxels as RawVoxels }, spec.mapping);
    }
    const dims: [number, number, number] = [spec.mapping.dimsRAS[1]!, spec.mapping.dimsRAS[2]!, spec.mapping.dimsRAS[3]!];
    this.#counts.cpu++;
    return greyAlphaTexture(this.nv.gl, old, dims, greyAlpha);
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
    if (!spec) return false;
    const dims = [spec.mapping.dimsRAS[1]!, spec.mapping.dimsRAS[2]!, spec.mapping.dimsRAS[3]!];
    if ((image.img as RawVoxels).length < dims[0]! * dims[1]! * dims[2]!) return false;
    const gl = this.nv.gl;
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_3D, texture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    const c = { ...spec.params, voxels: image.img as RawVoxels };
    for (let axis = 0; axis < 3; axis++) {
      const n = dims[axis]!;
      const first = Math.max(0, Math.min(n - 2, Math.floor((at[axis] ?? 0.5) * n - 0.5)));
      const box: RasBox = { x0: 0, y0: 0, z0: 0, x1: dims[0]!, y1: dims[1]!, z1: dims[2]! };
      const [lo, hi] = axis === 0 ? ['x0', 'x1'] as const : axis === 1 ? ['y0', 'y1'] as const : ['z0', 'z1'] as const;
      box[lo] = first;
      box[hi] = Math.min(n, first + 2);
      const pairs = greyAlphaBox(c, spec.mapping, box);
      gl.texSubImage3D(gl.TEXTURE_3D, 0, box.x0, box.y0, box.z0, box.x1 - box.x0, box.y1 - box.y0, box.z1 - box.z0, gl.LUMINANCE_ALPHA, gl.UNSIGNED_BYTE, pairs);
    }
    this.#counts.shownOnly++;
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
