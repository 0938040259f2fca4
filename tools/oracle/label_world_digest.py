#!/usr/bin/python3
"""label_world.py's computation, vectorised, for label maps with millions of
labelled voxels (label_world.py's Python loops take ~25 s on the AAL atlas).

For each SOURCE LABEL pair: the world position (RAS mm, through the LABEL
file's affine, as nibabel reads it) of every labelled voxel centre, its label
value, and the SOURCE intensity there (through the SOURCE's own affine; NaN
outside the source grid). Instead of listing the rows it prints, per pair:
  count            labelled voxels
  sha256           of the rows [x, y, z, label, intensity] (x, y, z rounded to
                   0.001 mm, -0 folded to 0), sorted, as float64 little endian:
                   equal hashes = the same labels at the same world positions
                   over the same source intensities
  labels           per label value: count, centroid_mm, min_mm, max_mm,
                   intensity_sum, intensity_min, intensity_max (NaN outside
                   the source counts as +inf for min and -inf for max)
  rows             only for values named by --rows-for (or, with
                   --rows-for-smallest, the label value with the fewest voxels,
                   reported as rows_for): the rows exactly as label_world.py
                   prints them (sorted tuples, Python round), so a sparse label
                   checked with label_world.py can be compared against them
usage: label_world_digest.py [--rows-for V1,V2,... | --rows-for-smallest] SRC1 LAB1 [SRC2 LAB2 ...]
"""
import hashlib
import json
import sys

import nibabel as nib
import numpy as np

args = sys.argv[1:]
rows_for = set()
if '--rows-for' in args:
    at = args.index('--rows-for')
    rows_for = {int(v) for v in args[at + 1].split(',') if v}
    del args[at:at + 2]
smallest = '--rows-for-smallest' in args
if smallest:
    args.remove('--rows-for-smallest')

out = []
for src_path, lab_path in zip(args[0::2], args[1::2]):
    src = nib.load(src_path)
    lab = nib.load(lab_path)
    labels = np.asarray(lab.dataobj)
    ijk = np.argwhere(labels > 0)
    world = nib.affines.apply_affine(lab.affine, ijk)
    src_ijk = np.rint(nib.affines.apply_affine(np.linalg.inv(src.affine), world)).astype(int)
    inside = np.all((src_ijk >= 0) & (src_ijk < np.array(src.shape[:3])), axis=1)
    src_data = np.asarray(src.dataobj)
    intensity = np.full(len(ijk), np.nan)
    intensity[inside] = src_data[tuple(src_ijk[inside].T)]
    values = labels[tuple(ijk.T)].astype(np.float64)

    rounded = np.round(world, 3) + 0.0
    rows = np.column_stack([rounded, values, intensity])
    order = np.lexsort(rows.T[::-1])  # x first, then y, z, label, intensity
    rows = np.ascontiguousarray(rows[order], dtype='<f8')
    rec = {
        'source': src_path,
        'label': lab_path,
        'count': int(len(rows)),
        'sha256': hashlib.sha256(rows.tobytes()).hexdigest(),
        'labels': {},
    }
    # Per-label statistics in one pass: group the rows by label value.
    by_label = np.argsort(values, kind='stable')
    v_sorted = values[by_label]
    w_sorted = world[by_label]
    s_sorted = np.nan_to_num(intensity[by_label], nan=0.0)
    uniq, starts, counts = np.unique(v_sorted, return_index=True, return_counts=True)
    if len(uniq):
        sums = np.add.reduceat(w_sorted, starts, axis=0)
        mins = np.minimum.reduceat(w_sorted, starts, axis=0)
        maxs = np.maximum.reduceat(w_sorted, starts, axis=0)
        isum = np.add.reduceat(s_sorted, starts)
        s_raw = intensity[by_label]
        imin = np.minimum.reduceat(np.nan_to_num(s_raw, nan=np.inf), starts)
        imax = np.maximum.reduceat(np.nan_to_num(s_raw, nan=-np.inf), starts)
        for n, v in enumerate(uniq):
            rec['labels'][str(int(v))] = {
                'count': int(counts[n]),
                'centroid_mm': [round(float(x), 4) for x in sums[n] / counts[n]],
                'min_mm': [round(float(x), 4) for x in mins[n]],
                'max_mm': [round(float(x), 4) for x in maxs[n]],
                'intensity_sum': float(isum[n]),
                'intensity_min': float(imin[n]),
                'intensity_max': float(imax[n]),
            }
    wanted = rows_for
    if smallest and len(uniq):
        wanted = {int(uniq[int(np.argmin(counts))])}
    if wanted:
        rec['rows_for'] = sorted(wanted)
        sel = np.isin(values, list(wanted))
        rec['rows'] = sorted(
            (round(float(w[0]), 3), round(float(w[1]), 3), round(float(w[2]), 3), int(v), float(s))
            for w, v, s in zip(world[sel], values[sel], intensity[sel])
        )
    out.append(rec)
json.dump(out, sys.stdout)
