"""The trace's input: a slab of a volume, its window, and the engine's preprocessing in torch."""
from __future__ import annotations

import os
from typing import List, Optional, Tuple

import numpy as np

DEFAULT_VOLUME = "../shared/data/dicom/vs-seg-001-t1-mprage"


def load_slab(path: str, slices: Optional[str]) -> Tuple[np.ndarray, List[int], str]:
    """float32 [n, h, w] (x fastest, as the engine's axis-2 slices) and the k range."""
    import nibabel as nib

    vol = np.asarray(nib.load(path).dataobj)
    if vol.ndim == 4:
        vol = vol[..., 0]
    if vol.ndim != 3:
        raise ValueError(f"{path}: expected a 3D volume, got shape {vol.shape}")
    nk = vol.shape[2]
    if slices:
        k0, k1 = (int(x) for x in slices.split(":"))
    else:
        k0 = nk // 2 - 3
        k1 = k0 + 7
    if not (0 <= k0 < k1 <= nk):
        raise ValueError(f"--trace-slices {k0}:{k1} outside 0:{nk}")
    # NIfTI data is [x, y, k] in Fortran order: a slice k is x-fastest as [y, x].
    slab = np.ascontiguousarray(np.transpose(vol[:, :, k0:k1], (2, 1, 0))).astype(np.float32)
    return slab, [k0, k1], os.path.abspath(path)


def window_of(slab: np.ndarray) -> Tuple[float, float]:
    lo, hi = np.percentile(slab, [1.0, 99.5])
    return float(lo), float(hi)


def model_inputs(slab: np.ndarray, window, size: int, mean, std):
    """sliceToModelInput (src/engine/worker/image/preprocess.ts) for every slice, in torch."""
    import torch
    import torch.nn.functional as F

    lo, hi = window
    g = np.clip((slab.astype(np.float64) - lo) / (hi - lo), 0.0, 1.0).astype(np.float32).astype(np.float64)  # grey is float32 in the engine
    t = torch.from_numpy(g)[:, None]  # [n, 1, h, w]
    n, _, h, w = t.shape
    if (h, w) != (size, size):
        shrink = h > size or w > size
        t = F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False, antialias=shrink)
    t = t.float().double()
    m = torch.tensor(mean, dtype=torch.float64).view(1, 3, 1, 1)
    s = torch.tensor(std, dtype=torch.float64).view(1, 3, 1, 1)
    return ((t.expand(n, 3, size, size) - m) / s).float().contiguous()
