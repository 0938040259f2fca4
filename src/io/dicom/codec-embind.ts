/**
 * Driving the @cornerstonejs codecs (Emscripten modules with embind decoder
 * classes): instantiating one with the right .wasm, and running one of its
 * decoder classes over a frame, its errors turned into messages.
 */
import { describeThrown, IN_NODE, type FrameDecoder } from './codec-frame.ts';

/** An instantiated codec module, and what it printed during the frame being decoded. */
export interface Embind { module: Record<string, unknown>; log: string[] }

/**
 * Instantiate an Emscripten codec module: in Node as it is (it reads its
 * .wasm from beside itself); in the browser with the build's own .wasm URL.
 * What it prints (OpenJPEG's [INFO] and [ERROR] lines) is kept, not shown.
 */
export async function instantiate(
  factory: () => Promise<{ default: EmbindFactory } | EmbindFactory>,
  wasmUrl: () => Promise<{ default: string }>,
): Promise<Embind> {
  const mod = await factory();
  const create = (typeof mod === 'function' ? mod : mod.default) as EmbindFactory;
  const log: string[] = [];
  const keep = (line: string): void => { if (log.length < 20) log.push(String(line).trim()); };
  const options = { print: keep, printErr: keep };
  if (IN_NODE) return { module: await create(options), log };
  const url = (await wasmUrl()).default;
  return { module: await create({ ...options, locateFile: (path) => (path.endsWith('.wasm') ? url : path) }), log };
}

/** Run an embind decoder class over one frame. */
export function embindDecode({ module, log }: Embind, className: string, bytes: Uint8Array): ReturnType<FrameDecoder> {
  const Decoder = module[className] as new () => EmbindDecoder;
  const decoder = new Decoder();
  log.length = 0;
  const said = (): string => {
    const errors = log.filter((l) => /error/i.test(l)).map((l) => l.replace(/^\[ERROR\]\s*/, ''));
    return errors.length ? ` (${errors.join('; ')})` : '';
  };
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    try {
      decoder.decode();
    } catch (e) {
      // A C++ exception arrives as a number (a pointer); CharLS's build can say what it was.
      const what = typeof e === 'number' && typeof module.getExceptionMessage === 'function'
        ? tryMessage(() => (module.getExceptionMessage as (p: number) => unknown)(e)) : undefined;
      throw new Error(`${what ?? describeThrown(e)}${said()}`);
    }
    const info = decoder.getFrameInfo();
    if (!(info.width > 0 && info.height > 0 && info.componentCount > 0)) throw new Error(`no image came out${said()}`);
    // A view into the wasm memory: copy it out before the decoder is deleted.
    const pixels = decoder.getDecodedBuffer().slice();
    return {
      pixels, width: info.width, height: info.height, components: info.componentCount,
      ...(info.isSigned !== undefined ? { signed: info.isSigned } : {}),
    };
  } finally {
    decoder.delete();
  }
}

/** The message of a C++ exception, from Emscripten's getExceptionMessage ([type, message]), if it gives one. */
function tryMessage(get: () => unknown): string | undefined {
  try {
    const got = get();
    const parts = (Array.isArray(got) ? got : [got]).filter((x): x is string => typeof x === 'string' && x.length > 0);
    return parts.length ? parts[parts.length - 1] : undefined;
  } catch {
    return undefined;
  }
}
