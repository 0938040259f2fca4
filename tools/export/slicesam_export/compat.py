"""
What the `sam2` package needs that Debian's python3-torch (1.13) + python3-omegaconf lack,
bridged here (our code, not sam2's):
- `hydra` (not packaged): sam2/__init__.py and build_sam.py import it; we install inert stub
  modules and build the model ourselves with `instantiate` below.
- `iopath` (not packaged): hieradet.py only calls `g_pathmgr.open`, i.e. the builtin open.
- `sam2._C` (the CUDA extension, not built here): without it the video predictor silently
  skips hole filling (fill_hole_area=8); a CPU get_connected_componnets (8-connected, scipy).
- `tqdm` (progress bars only; python3-tqdm may be absent): an identity.
- `F.scaled_dot_product_attention` (torch >= 2.0): an exact softmax(QK^T / sqrt(d)) V.
Call `install()` before the first `import sam2`.
"""
from __future__ import annotations

import importlib
import math
import os
import sys
import types
from typing import Any


def _stub(name: str, **attrs: Any) -> None:
    if name in sys.modules:
        return
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    sys.modules[name] = mod


def _sdpa(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    import torch

    if is_causal or dropout_p != 0.0:
        raise NotImplementedError("sdpa fallback: only the eval path (no dropout, not causal)")
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    att = torch.matmul(query, key.transpose(-2, -1)) * s
    if attn_mask is not None:
        att = att.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else att + attn_mask
    return torch.matmul(torch.softmax(att, dim=-1), value)


class _PathManager:
    @staticmethod
    def open(path: str, mode: str = "r", **kwargs: Any):
        return open(path, mode, **kwargs)

    @staticmethod
    def exists(path: str) -> bool:
        return os.path.exists(path)


class _GlobalHydra:
    @staticmethod
    def instance():
        return _GlobalHydra()

    def is_initialized(self) -> bool:
        return True

    def clear(self) -> None:
        pass


def _connected_components(mask):
    """sam2/csrc/connected_components.cu: per pixel, its 8-connected component label and area."""
    import numpy as np
    import torch
    from scipy import ndimage

    m = mask.cpu().numpy().astype(bool)
    labels = np.zeros(m.shape, np.int32)
    areas = np.zeros(m.shape, np.int32)
    for i in range(m.shape[0]):
        lab, _ = ndimage.label(m[i, 0], structure=np.ones((3, 3), bool))
        sizes = np.bincount(lab.ravel())
        sizes[0] = 0
        labels[i, 0] = lab
        areas[i, 0] = sizes[lab]
    return torch.from_numpy(labels), torch.from_numpy(areas)


def install_connected_components() -> None:
    """Call after `import sam2`."""
    try:
        importlib.import_module("sam2._C")
    except ImportError:
        _stub("sam2._C", get_connected_componnets=_connected_components)


def install() -> None:
    import torch.nn.functional as F

    if not hasattr(F, "scaled_dot_product_attention"):
        F.scaled_dot_product_attention = _sdpa
    try:
        importlib.import_module("hydra")
    except ImportError:
        noop = lambda *a, **k: None  # noqa: E731
        _stub("hydra", initialize_config_module=noop, compose=noop, initialize=noop)
        _stub("hydra.core")
        _stub("hydra.core.global_hydra", GlobalHydra=_GlobalHydra)
        _stub("hydra.utils", instantiate=instantiate)
    try:
        importlib.import_module("tqdm")
    except ImportError:
        _stub("tqdm", tqdm=lambda it=None, *a, **k: it)
    try:
        importlib.import_module("iopath.common.file_io")
    except ImportError:
        _stub("iopath")
        _stub("iopath.common")
        _stub("iopath.common.file_io", g_pathmgr=_PathManager())


def _locate(path: str) -> Any:
    module, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def instantiate(node: Any) -> Any:
    """hydra.utils.instantiate(cfg, _recursive_=True) for plain dicts/lists with `_target_`."""
    if isinstance(node, dict):
        built = {k: instantiate(v) for k, v in node.items() if k != "_target_"}
        return _locate(node["_target_"])(**built) if "_target_" in node else built
    if isinstance(node, list):
        return [instantiate(v) for v in node]
    return node
