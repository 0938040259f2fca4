#!/usr/bin/python3
"""Print, as JSON, what nibabel sees in each NIfTI file given: shape, dtype,
codes, sform, qform, best affine, pixdim, and the voxel values (flattened
i-fastest) when --values is given, or their sha256 (little-endian bytes in
the stored type, i fastest) with --digest. An independent reader for our tests."""
import json
import sys

import nibabel as nib
import numpy as np

values = '--values' in sys.argv
digest = '--digest' in sys.argv
out = []
for path in [a for a in sys.argv[1:] if not a.startswith('--')]:
    img = nib.load(path)
    h = img.header
    rec = {
        'path': path,
        'version': 2 if isinstance(img, (nib.Nifti2Image, nib.Nifti2Pair)) else 1,
        'shape': list(img.shape),
        'dtype': str(h.get_data_dtype().newbyteorder('=')),
        'sform_code': int(h['sform_code']),
        'qform_code': int(h['qform_code']),
        'sform': h.get_sform().tolist(),
        'qform': h.get_qform().tolist(),
        'affine': img.affine.tolist(),
        'pixdim': [float(x) for x in h['pixdim']],
        'quatern': [float(h['quatern_b']), float(h['quatern_c']), float(h['quatern_d'])],
        'qoffset': [float(h['qoffset_x']), float(h['qoffset_y']), float(h['qoffset_z'])],
        'descrip': h['descrip'].tobytes().rstrip(b'\0').decode('latin1'),
        'aux_file': h['aux_file'].tobytes().rstrip(b'\0').decode('latin1'),
        'intent_code': int(h['intent_code']),
    }
    if digest:
        import hashlib
        arr = np.asarray(img.dataobj)
        rec['data_sha256'] = hashlib.sha256(arr.astype(arr.dtype.newbyteorder('<')).tobytes(order='F')).hexdigest()
    if values:
        rec['values'] = np.asarray(img.dataobj).ravel(order='F').tolist()
    out.append(rec)
json.dump(out, sys.stdout)
