/**
 * The recovery experiment of issue 9 on one real volume: N4 on the clean image (its
 * own residual bias included) is the reference; the volume times a known field, once
 * corrected, should come back to it. Measured on white-matter-range voxels chosen on
 * the reference (so the image's own bias does not decide which voxels count).
 */
import type { Vec3 } from '../../../shared/volume.ts';
import { correctBiasField, type N4Result, type N4RunOptions } from '../n4.ts';
import { applyField, makeField, type FieldName } from './fields.ts';
import { coefficientOfVariation, correlation, headMask, whiteMatterRange } from './metrics.ts';

export interface RecoveryFigures {
  field: FieldName;
  /** CV of the white-matter-range voxels: reference, reference × field, corrected. */
  cvClean: number;
  cvBiased: number;
  cvCorrected: number;
  /** Share of the CV the field added that correction removed (1 = all of it). */
  removed: number;
  /** r(estimated field, true field) over those voxels. */
  rField: number;
  /** r(estimated field / the reference run's field, true field): the part N4 attributes to what we added. */
  rAdded: number;
  iterations: number;
}

export interface RecoveryCase {
  reference: N4Result;
  whiteMatter: Uint8Array;
  run(field: FieldName): Promise<RecoveryFigures>;
}

export async function recoveryCase(volume: { data: ArrayLike<number>; dims: Vec3 }, mask: Uint8Array | null, options: N4RunOptions = {}): Promise<RecoveryCase> {
  const reference = await correctBiasField({ ...volume, mask }, options);
  const head = headMask(volume.data);
  const clean = reference.corrected;
  const whiteMatter = whiteMatterRange(clean, head).mask;
  return {
    reference,
    whiteMatter,
    async run(name) {
      const truth = makeField(name, volume.dims);
      const biased = applyField(clean, truth);
      const raw = applyField(volume.data, truth);
      const result = await correctBiasField({ data: raw, dims: volume.dims, mask }, options);
      const added = new Float32Array(truth.length);
      for (let i = 0; i < added.length; i++) added[i] = result.field![i]! / reference.field![i]!;
      const cvClean = coefficientOfVariation(clean, whiteMatter);
      const cvBiased = coefficientOfVariation(biased, whiteMatter);
      const cvCorrected = coefficientOfVariation(result.corrected, whiteMatter);
      return {
        field: name,
        cvClean,
        cvBiased,
        cvCorrected,
        removed: (cvBiased - cvCorrected) / (cvBiased - cvClean),
        rField: correlation(result.field!, truth, whiteMatter),
        rAdded: correlation(added, truth, whiteMatter),
        iterations: result.iterations,
      };
    },
  };
}
