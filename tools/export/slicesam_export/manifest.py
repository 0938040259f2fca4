"""The model folder's manifest.json and constants.json (formats: docs/models.md). No torch."""
from __future__ import annotations

import json
import os
import re
from typing import Any, Dict, List, Optional

from .presets import sha256_file

GRAPHS = ("vision_encoder", "mask_decoder", "memory_encoder", "memory_attention", "pointer_tpos")
FILE_KEYS = GRAPHS + ("constants",)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def model_id(preset_id: str, image_size: int, precision: str, random_init: bool) -> str:
    mid = f"{preset_id}-{precision}-{image_size}" + ("-random" if random_init else "")
    if not ID_RE.match(mid):
        raise ValueError(f"model id {mid!r} is not a valid manifest id")
    return mid


def constants(temporal: List[List[float]], image_size: int, num_maskmem: int, max_ptrs: int, model: str) -> Dict[str, Any]:
    if len(temporal) != num_maskmem:
        raise ValueError(f"temporal table has {len(temporal)} rows, num_maskmem is {num_maskmem}")
    return {
        "model": model,
        "image_size": image_size,
        "memory_frames": num_maskmem,
        "max_object_pointers": max_ptrs,
        "memory_temporal_positional_encoding": temporal,
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
    }


def manifest(
    out_dir: str,
    mid: str,
    name: str,
    version: str,
    precision: str,
    image_size: int,
    num_maskmem: int,
    max_ptrs: int,
    origin: Optional[Dict[str, str]],
    notes: str,
    url_prefix: Optional[str] = None,
) -> Dict[str, Any]:
    """Names every file in out_dir with its size and sha256; a dynamic bank (no padding)."""
    prefix = f"models/{mid}" if url_prefix is None else url_prefix.rstrip("/")
    files = {}
    for key in FILE_KEYS:
        fname = f"{key}.json" if key == "constants" else f"{key}.onnx"
        path = os.path.join(out_dir, fname)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: missing; the export did not write it")
        files[key] = {"url": f"{prefix}/{fname}", "bytes": os.path.getsize(path), "sha256": sha256_file(path)}
    m: Dict[str, Any] = {
        "id": mid,
        "name": name,
        "version": version,
        # Our own export: nothing published to check it against (verify-model is the check).
        "status": "unverified",
        "precision": precision,
        # Our fp16 is storage only (slicesam_export/fp16.py): the arithmetic stays float32, so
        # the engine needs no shader-f16 for it.
        "compute": "fp32",
        "imageSize": image_size,
        "bank": {"layout": "dynamic", "memoryFrames": num_maskmem, "maxObjectPointers": max_ptrs},
        "normalisation": {"mean": IMAGENET_MEAN, "std": IMAGENET_STD},
        "files": files,
        "notes": notes,
    }
    if origin:
        m["origin"] = origin
    return m


def write_json(path: str, value: Any) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
