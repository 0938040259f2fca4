#!/usr/bin/python3
"""Compare two NIfTI images in WORLD space, whatever their axis order and flips
(dcm2niix reorders and flips axes; we keep DICOM's).

usage: compare_world.py OURS.nii[.gz] THEIRS.nii[.gz] [--max-mm 0.5] [--atol 0] [--rtol 0]

For every voxel centre of OURS: world = A_ours · ijk, then THEIRS' voxel index
= A_theirs⁻¹ · world. Requires
  * the same voxel count, and every OURS centre within --max-mm millimetres
    (world distance) of a THEIRS voxel centre that lies inside THEIRS' grid,
    each THEIRS voxel hit exactly once (the grids cover each other);
  * the intensities at corresponding voxels to agree: |ours − theirs| ≤
    atol + rtol·|theirs|, on SCALED values (nibabel applies scl_slope/inter,
    which dcm2niix may write).
Images with a 4th dimension are compared on their first volume.
Prints one JSON object and exits 1 when a requirement fails (2 on bad usage).
"""
import argparse
import json
import sys

import nibabel as nib
import numpy as np
from volume3d import volume3d


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('ours')
    p.add_argument('theirs')
    p.add_argument('--max-mm', type=float, default=0.5)
    p.add_argument('--atol', type=float, default=0.0)
    p.add_argument('--rtol', type=float, default=0.0)
    a = p.parse_args()

    ours_img, theirs_img = nib.load(a.ours), nib.load(a.theirs)
    ours, theirs = volume3d(ours_img), volume3d(theirs_img)
    A, B = ours_img.affine, theirs_img.affine
    to_theirs = np.linalg.inv(B) @ A  # ours ijk -> theirs ijk (affine)
    out = {
        'ours': a.ours,
        'theirs': a.theirs,
        'shape_ours': list(ours.shape),
        'shape_theirs': list(theirs.shape),
        'dtype_ours': str(ours.dtype),
        'dtype_theirs': str(theirs.dtype),
        'affine_ours': np.round(A, 6).tolist(),
        'affine_theirs': np.round(B, 6).tolist(),
        'ours_to_theirs_index': np.round(to_theirs, 6).tolist(),
        'max_mm_allowed': a.max_mm,
        'atol': a.atol,
        'rtol': a.rtol,
    }
    failures = []
    n = int(np.prod(ours.shape))
    if n != int(np.prod(theirs.shape)):
        failures.append(f'voxel counts differ: {n} vs {int(np.prod(theirs.shape))}')

    nx, ny, nz = ours.shape
    ii, jj = np.meshgrid(np.arange(nx, dtype=np.float64), np.arange(ny, dtype=np.float64), indexing='ij')
    ii, jj = ii.ravel(order='F'), jj.ravel(order='F')  # i fastest, as ours[:, :, k].ravel(order='F')
    hits = np.zeros(theirs.shape, dtype=bool)
    max_mm = 0.0
    outside = 0
    mismatched = 0
    max_abs_diff = 0.0
    first_mismatch = None
    compared = 0
    theirs_shape = np.array(theirs.shape)
    for k in range(nz):
        ijk = np.stack([ii, jj, np.full_like(ii, k), np.ones_like(ii)])  # 4 × (nx·ny)
        t = to_theirs @ ijk
        t3 = t[:3]
        r = np.rint(t3)
        # World distance from our centre to the nearest THEIRS centre.
        mm = np.linalg.norm(B[:3, :3] @ (t3 - r), axis=0)
        max_mm = max(max_mm, float(mm.max()))
        ri = r.astype(np.int64)
        inside = np.all((ri >= 0) & (ri < theirs_shape[:, None]), axis=0)
        outside += int((~inside).sum())
        ri = ri[:, inside]
        hits[ri[0], ri[1], ri[2]] = True
        ov = ours[:, :, k].ravel(order='F')[inside].astype(np.float64)
        tv = theirs[ri[0], ri[1], ri[2]].astype(np.float64)
        diff = np.abs(ov - tv)
        both_nan = np.isnan(ov) & np.isnan(tv)
        bad = ~both_nan & ~(diff <= a.atol + a.rtol * np.abs(tv))
        compared += int(inside.sum())
        d = diff[~both_nan]
        if d.size:
            # NaN against a number counts as an infinite difference.
            max_abs_diff = max(max_abs_diff, float(np.nan_to_num(d, nan=np.inf).max()))
        nbad = int(bad.sum())
        if nbad and first_mismatch is None:
            at = int(np.flatnonzero(bad)[0])
            src = np.flatnonzero(inside)[at]
            first_mismatch = {
                'ours_ijk': [int(src % nx), int(src // nx), k],
                'theirs_ijk': [int(ri[0, at]), int(ri[1, at]), int(ri[2, at])],
                'ours': float(ov[at]), 'theirs': float(tv[at]),
            }
        mismatched += nbad

    covered = int(hits.sum())
    # Every inside centre marks one THEIRS voxel: any shortfall is a voxel hit twice or more.
    duplicated = compared - covered
    out.update({
        'voxels': n,
        'compared_voxels': compared,
        'max_mm': max_mm,
        'outside_voxels': outside,
        'theirs_voxels_covered': covered,
        'theirs_extra_hits': duplicated,
        'mismatched_voxels': mismatched,
        'max_abs_diff': max_abs_diff,
        'first_mismatch': first_mismatch,
    })
    if max_mm > a.max_mm:
        failures.append(f'voxel centres are up to {max_mm:.4f} mm from the other grid (allowed {a.max_mm})')
    if outside:
        failures.append(f'{outside} of our voxel centres fall outside the other grid')
    if covered != int(np.prod(theirs.shape)) or duplicated:
        failures.append(f'the grids do not cover each other: {covered} of {int(np.prod(theirs.shape))} voxels hit, {duplicated} extra hits')
    if mismatched:
        failures.append(f'{mismatched} voxels differ in intensity (max |diff| {max_abs_diff})')
    out['failures'] = failures
    out['ok'] = not failures
    json.dump(out, sys.stdout)
    sys.stdout.write('\n')
    return 0 if not failures else 1


if __name__ == '__main__':
    sys.exit(main())
