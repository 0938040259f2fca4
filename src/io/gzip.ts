/**
 * gzip through the platform's CompressionStream / DecompressionStream, which
 * exist in Node ≥ 18 and every browser we target: no library, and the work runs
 * in native code, chunk by chunk, inside whichever worker calls it.
 */

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function collect(stream: ReadableStream<Uint8Array>, limit = Infinity): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    if (total >= limit) await reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

function streamOf(...parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) if (p.byteLength) controller.enqueue(p);
      controller.close();
    },
  });
}

/** gzip of the parts one after another (no concatenated copy is made). */
export async function gzip(...parts: Uint8Array[]): Promise<Uint8Array> {
  return collect(streamOf(...parts).pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>));
}

/**
 * Inflate gzip data. With `limit`, stops once at least that many bytes came
 * out (headers of a .nii.gz without inflating the whole volume).
 * Throws on corrupt or truncated input (unless `limit` was reached first).
 */
export async function gunzip(bytes: Uint8Array, limit = Infinity): Promise<Uint8Array> {
  return collect(
    streamOf(bytes).pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>),
    limit,
  );
}

/** Raw deflate (DICOM Deflated Explicit VR Little Endian). */
export async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return collect(streamOf(bytes).pipeThrough(new DecompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>));
}
