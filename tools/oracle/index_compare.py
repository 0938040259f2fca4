#!/usr/bin/python3
"""Compare two NIfTI images ARRAY INDEX for array index (no world mapping):
the question is whether OURS pairs voxel for voxel with THEIRS (dcm2niix's).

usage: index_compare.py OURS.nii[.gz] THEIRS.nii[.gz] [--threshold T]

Without --threshold: the SCALED values (nibabel applies scl_slope/inter) must
be equal at every index. With --threshold: OURS is a label map and must be 1
exactly where THEIRS > T, 0 elsewhere. Images with a 4th dimension are
compared on their first volume. Prints one JSON object: both shapes, both
affines, the voxels compared, how many differ, the first that differs, and
how many OURS voxels are non-zero.
"""
import argparse
import json
import sys

import nibabel as nib
import numpy as np
from volume3d import volume3d


p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('ours')
p.add_argument('theirs')
p.add_argument('--threshold', type=float)
a = p.parse_args()
oi, ti = nib.load(a.ours), nib.load(a.theirs)
ours, theirs = volume3d(oi), volume3d(ti)
out = {
    'shape_ours': list(ours.shape), 'shape_theirs': list(theirs.shape),
    'affine_ours': np.round(oi.affine, 6).tolist(), 'affine_theirs': np.round(ti.affine, 6).tolist(),
    'nonzero_ours': int(np.count_nonzero(ours)),
}
if ours.shape == theirs.shape:
    expected = (theirs > a.threshold).astype(np.int64) if a.threshold is not None else theirs.astype(np.float64)
    differ = ours.astype(np.float64) != expected
    out['compared'] = int(ours.size)
    out['mismatched'] = int(differ.sum())
    if out['mismatched']:
        at = [int(x) for x in np.argwhere(differ)[0]]
        out['first_mismatch'] = {'ijk': at, 'ours': float(ours[tuple(at)]), 'theirs': float(theirs[tuple(at)])}
json.dump(out, sys.stdout)
sys.stdout.write('\n')
