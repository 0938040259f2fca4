#!/usr/bin/python3
"""What pydicom (Debian's python3-pydicom) sees in each DICOM file given: an
independent reader for our tests. Prints JSON, one record per file:
transfer syntax, rows/columns/frames, ImagePositionPatient,
ImageOrientationPatient, PixelSpacing, SliceThickness, SpacingBetweenSlices,
InstanceNumber, SeriesInstanceUID, and with --values the pixel values of the
first frame (row by row: column fastest), rescaled when RescaleSlope/Intercept
are present. With --world each record also gets `world_corners`: the RAS
millimetres of the pixel centres (col, row) = (0,0), (cols-1,0), (0,rows-1),
straight from the DICOM attributes (LPS -> RAS flips x and y).

usage: dicom_info.py [--values] [--world] FILE...
"""
import json
import sys

import numpy as np
import pydicom


def floats(v):
    return None if v is None else [float(x) for x in (v if isinstance(v, (list, tuple, pydicom.multival.MultiValue)) else [v])]


values = '--values' in sys.argv
world = '--world' in sys.argv
out = []
for path in [a for a in sys.argv[1:] if not a.startswith('--')]:
    ds = pydicom.dcmread(path, force=True)
    rec = {
        'path': path,
        'transfer_syntax': str(ds.file_meta.TransferSyntaxUID) if 'TransferSyntaxUID' in getattr(ds, 'file_meta', {}) else None,
        'rows': int(ds.Rows),
        'columns': int(ds.Columns),
        'frames': int(ds.get('NumberOfFrames', 1) or 1),
        'bits_allocated': int(ds.BitsAllocated),
        'pixel_representation': int(ds.get('PixelRepresentation', 0)),
        'position': floats(ds.get('ImagePositionPatient')),
        'orientation': floats(ds.get('ImageOrientationPatient')),
        'pixel_spacing': floats(ds.get('PixelSpacing')),
        'slice_thickness': floats(ds.get('SliceThickness')),
        'spacing_between_slices': floats(ds.get('SpacingBetweenSlices')),
        'instance_number': int(ds.InstanceNumber) if ds.get('InstanceNumber') is not None else None,
        'series_instance_uid': str(ds.get('SeriesInstanceUID', '')),
        'rescale': [float(ds.get('RescaleSlope', 1) or 1), float(ds.get('RescaleIntercept', 0) or 0)],
    }
    if world and rec['position'] and rec['orientation'] and rec['pixel_spacing']:
        p = np.array(rec['position'])
        o = np.array(rec['orientation'])
        dr, dc = rec['pixel_spacing']  # row spacing (between rows), column spacing (between columns)
        lps = lambda c, r: p + o[:3] * dc * c + o[3:] * dr * r  # noqa: E731
        ras = lambda v: [-float(v[0]), -float(v[1]), float(v[2])]  # noqa: E731
        rec['world_corners'] = [ras(lps(0, 0)), ras(lps(rec['columns'] - 1, 0)), ras(lps(0, rec['rows'] - 1))]
    if values:
        arr = ds.pixel_array
        if rec['frames'] > 1:
            arr = arr[0]
        arr = arr.astype(np.float64)
        slope, inter = rec['rescale']
        if slope != 1 or inter != 0:
            arr = arr * slope + inter
        rec['values'] = arr.ravel(order='C').tolist()
    out.append(rec)
json.dump(out, sys.stdout)
