#!/usr/bin/python3
"""Write NIfTI files that exercise the reader, with nibabel as the oracle.

usage: make_nifti_cases.py OUTDIR
For each case writes OUTDIR/<name>.nii[.gz] and OUTDIR/<name>.expected.json
(shape, nibabel's best affine, sform/qform codes) and OUTDIR/<name>.expected.f64
(the scaled voxel values of the first 3D volume, Fortran order = i fastest, float64 LE).
"""
import json
import os
import sys

import nibabel as nib
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def oblique_affine():
    a, b = 0.3, -0.2
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    rz = np.array([[np.cos(b), -np.sin(b), 0], [np.sin(b), np.cos(b), 0], [0, 0, 1]])
    m = np.eye(4)
    m[:3, :3] = rz @ rx @ np.diag([0.9, 1.1, 2.5])
    m[:3, 3] = [-40.5, 12.25, 33.0]
    return m


def save(name, img, gz=True):
    path = os.path.join(out, name + ('.nii.gz' if gz else '.nii'))
    nib.save(img, path)
    back = nib.load(path)
    data = np.asarray(back.dataobj, dtype=np.float64)
    if data.ndim > 3:
        data = data[..., 0] if data.ndim == 4 else data.reshape(data.shape[:3] + (-1,))[..., 0]
    hdr = back.header
    spatial = list(back.shape[:3]) + [1] * (3 - min(3, len(back.shape)))
    with open(os.path.join(out, name + '.expected.json'), 'w') as f:
        json.dump({
            'file': os.path.basename(path),
            'shape': spatial,
            'affine': back.header.get_best_affine().tolist(),
            'sform_code': int(hdr['sform_code']),
            'qform_code': int(hdr['qform_code']),
            'dtype': str(hdr.get_data_dtype().newbyteorder('=')),
        }, f)
    with open(os.path.join(out, name + '.expected.f64'), 'wb') as f:
        f.write(np.asarray(data, dtype='<f8').reshape(spatial, order='F').tobytes(order='F'))


shape = (7, 6, 5)
for dt in ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']:
    info = np.iinfo(dt) if dt[0] in 'iu' else None
    if info is not None:
        arr = rng.integers(max(info.min, -1000), min(info.max, 1000), size=shape, endpoint=True).astype(dt)
        arr.flat[0] = info.min
        arr.flat[1] = info.max
    else:
        arr = rng.normal(0, 100, size=shape).astype(dt)
    img = nib.Nifti1Image(arr, oblique_affine())
    img.header.set_data_dtype(dt)
    save('dtype_' + dt, img)

# sform only (qform code 0), qform only, neither, and both differing (sform wins)
arr = rng.integers(0, 200, size=shape).astype(np.int16)
img = nib.Nifti1Image(arr, None)
img.set_sform(oblique_affine(), code=2)
img.set_qform(None, code=0)
save('sform_only', img)
img = nib.Nifti1Image(arr, None)
img.set_qform(oblique_affine(), code=1)
img.set_sform(None, code=0)
save('qform_only', img)
img = nib.Nifti1Image(arr, None)
img.header.set_zooms((1.5, 2.0, 3.0))
img.set_qform(None, code=0)
img.set_sform(None, code=0)
save('no_transform', img)
img = nib.Nifti1Image(arr, None)
other = oblique_affine()
other[:3, 3] += [5, -3, 1]
img.set_qform(other, code=1)
img.set_sform(oblique_affine(), code=4)
save('qform_sform_differ', img)
# left-handed qform (qfac = -1)
lh = np.diag([-1.2, 1.3, 1.4, 1.0])
lh[:3, 3] = [10, 20, 30]
img = nib.Nifti1Image(arr, None)
img.set_qform(lh, code=1)
img.set_sform(None, code=0)
save('qform_left_handed', img, gz=False)

# scaling: slope and intercept
img = nib.Nifti1Image(arr, oblique_affine())
img.header.set_slope_inter(0.5, -12.0)
save('scaled', img)
img = nib.Nifti1Image(arr, oblique_affine())
img.header.set_slope_inter(2.0, -1024.0)
save('scaled_integer', img)

# big endian
img = nib.Nifti1Image(arr.astype('>i2'), oblique_affine())
img.header.set_data_dtype('>i2')
save('big_endian', img, gz=False)
img = nib.Nifti1Image(rng.normal(size=shape).astype('>f4'), oblique_affine())
save('big_endian_float', img)

# NIfTI-2
img = nib.Nifti2Image(arr, oblique_affine())
save('nifti2', img)
img = nib.Nifti2Image(arr.astype('>i2'), oblique_affine())
save('nifti2_big_endian', img, gz=False)

# 4D: first volume
arr4 = rng.integers(0, 100, size=shape + (3,)).astype(np.int16)
save('four_d', nib.Nifti1Image(arr4, oblique_affine()))

# header extension
img = nib.Nifti1Image(arr, oblique_affine())
img.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'a comment that makes vox_offset larger than 352'))
save('extension', img, gz=False)

# 2D image
arr2 = rng.integers(0, 255, size=(9, 8)).astype(np.uint8)
save('two_d', nib.Nifti1Image(arr2, np.diag([0.7, 0.8, 1.0, 1.0])))
