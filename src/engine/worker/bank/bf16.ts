/**
 * SAM2's video predictor stores every memory (maskmem_features) as bfloat16
 * (sam2_video_predictor.py _run_single_frame_inference / _run_memory_encoder:
 * `maskmem_features.to(torch.bfloat16)`), and memory attention reads them back as float32.
 * The engine drops the same low bits so that its bank matches PyTorch's (the tokens stay
 * float32 arrays: no memory is saved).
 */

/** Round every value to the nearest bfloat16 (ties to even, as torch does), in place. */
export function roundToBfloat16(values: Float32Array): Float32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    if ((b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0) {
      bits[i] = (b | 0x00400000) & 0xffff0000; // NaN stays a (quiet) NaN
      continue;
    }
    bits[i] = ((b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000) >>> 0;
  }
  return values;
}
