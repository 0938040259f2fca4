#!/usr/bin/python3
"""For each SOURCE LABEL pair: the world positions (RAS mm, nibabel's affine of
the LABEL file) of every labelled voxel centre, with its label value and the
SOURCE intensity there (read through the SOURCE's own affine, so a label on the
wrong grid shows up as a mismatch). Prints JSON: one record per pair with the
points sorted, rounded to 0.001 mm.
usage: label_world.py SRC1 LAB1 [SRC2 LAB2 ...]
"""
import json
import sys

import nibabel as nib
import numpy as np

args = sys.argv[1:]
out = []
for src_path, lab_path in zip(args[0::2], args[1::2]):
    src = nib.load(src_path)
    lab = nib.load(lab_path)
    labels = np.asarray(lab.dataobj)
    ijk = np.argwhere(labels > 0)
    world = nib.affines.apply_affine(lab.affine, ijk)
    # Find the source voxel at each world point through the source's affine.
    src_ijk = np.rint(nib.affines.apply_affine(np.linalg.inv(src.affine), world)).astype(int)
    inside = np.all((src_ijk >= 0) & (src_ijk < np.array(src.shape[:3])), axis=1)
    src_data = np.asarray(src.dataobj)
    intensity = np.full(len(ijk), np.nan)
    intensity[inside] = src_data[tuple(src_ijk[inside].T)]
    rows = sorted(
        (round(float(w[0]), 3), round(float(w[1]), 3), round(float(w[2]), 3), int(labels[tuple(v)]), float(s))
        for w, v, s in zip(world, ijk, intensity)
    )
    out.append({'source': src_path, 'label': lab_path, 'points': rows})
json.dump(out, sys.stdout)
