/** A golden trace's files, read in Node (see trace.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceFrom, type Trace, type TraceMeta } from './trace.ts';

function floats(buf: Buffer, what: string): Float32Array {
  if (buf.byteLength % 4 !== 0) throw new Error(`${what}: a length that is not a multiple of 4`);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function readTrace(dir: string): Trace {
  const meta = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as TraceMeta;
  const volume = floats(readFileSync(join(dir, meta.volume.file)), `${dir}/${meta.volume.file}`);
  const logits = floats(readFileSync(join(dir, 'logits.f32')), `${dir}/logits.f32`);
  return traceFrom(meta, volume, logits, new Uint8Array(readFileSync(join(dir, 'masks.u8'))), dir);
}
