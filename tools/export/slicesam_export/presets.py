"""
The checkpoints the exporter knows: which sam2 YAML config builds each, its engine version
flag (2.0 / 2.1 differ in the object-pointer temporal encoding), default image size, and
the sha256 of the published file where we know it. No torch here (unit-tested in CI).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Dict, Optional


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    config: str  # path under the sam2 package, e.g. configs/sam2.1/sam2.1_hiera_t.yaml
    version: str  # "2.0" | "2.1"
    image_size: int
    checkpoint: Optional[str] = None  # the published file name
    sha256: Optional[str] = None  # of that file, when published / known
    repository: Optional[str] = None
    license: Optional[str] = None


_SIZES = {"tiny": "t", "small": "s", "base-plus": "b+", "large": "l"}
PRESETS: Dict[str, Preset] = {}
for _size, _short in _SIZES.items():
    PRESETS[f"sam2.0-{_size}"] = Preset(
        f"sam2.0-{_size}", f"SAM 2.0 Hiera-{_size}", f"configs/sam2/sam2_hiera_{_short}.yaml", "2.0", 1024,
        repository="facebookresearch/sam2", license="Apache-2.0",
    )
    PRESETS[f"sam2.1-{_size}"] = Preset(
        f"sam2.1-{_size}", f"SAM 2.1 Hiera-{_size}", f"configs/sam2.1/sam2.1_hiera_{_short}.yaml", "2.1", 1024,
        repository="facebookresearch/sam2", license="Apache-2.0",
    )
# Medical-SAM2 (Zhu et al. 2024): SAM 2.0 Hiera-tiny, 1024 px, fine-tuned weights.
PRESETS["medical-sam2"] = Preset(
    "medical-sam2", "Medical-SAM2 (MedSAM2_pretrain)", "configs/sam2/sam2_hiera_t.yaml", "2.0", 1024,
    checkpoint="MedSAM2_pretrain.pth",
    sha256="059572b072eff2e41975bf85b0dcca96bc58889db60a89e9f5b1f075236735d7",
    repository="huggingface.co/jiayuanz3/MedSAM2_pretrain",
)
# MedSAM2 (bowang-lab): SAM 2.1 Hiera-tiny at 512 px.
PRESETS["medsam2"] = Preset(
    "medsam2", "MedSAM2 (bowang-lab, SAM 2.1 tiny 512)", "configs/sam2.1/sam2.1_hiera_t.yaml", "2.1", 512,
    repository="github.com/bowang-lab/MedSAM2", license="Apache-2.0",
)

IMAGE_SIZES = (1024, 512)
PRECISIONS = ("fp32", "fp16")

# build_sam2_video_predictor's overrides (sam2/build_sam.py, apply_postprocessing=True):
# the video predictor class, dynamic multimask via stability, binarised memory of clicked
# frames, and hole filling of 8 px.
VIDEO_OVERRIDES: Dict[str, Any] = {
    "model._target_": "sam2.sam2_video_predictor.SAM2VideoPredictor",
    "model.sam_mask_decoder_extra_args.dynamic_multimask_via_stability": True,
    "model.sam_mask_decoder_extra_args.dynamic_multimask_stability_delta": 0.05,
    "model.sam_mask_decoder_extra_args.dynamic_multimask_stability_thresh": 0.98,
    "model.binarize_mask_from_pts_for_mem_enc": True,
    "model.fill_hole_area": 8,
}


class ExportError(Exception):
    """A user error: bad arguments, a checkpoint that does not fit its config, a wrong file."""


def resolve(preset: str, image_size: Optional[int], precision: str) -> tuple:
    if preset not in PRESETS:
        raise ExportError(f"unknown model {preset!r}; one of: {', '.join(sorted(PRESETS))}")
    p = PRESETS[preset]
    size = p.image_size if image_size is None else image_size
    if size not in IMAGE_SIZES:
        raise ExportError(f"--image-size must be 1024 or 512 (got {size})")
    if precision not in PRECISIONS:
        raise ExportError(f"--precision must be fp32 or fp16 (got {precision!r})")
    return p, size


def set_dotted(cfg: Dict[str, Any], key: str, value: Any) -> None:
    """Hydra's `++a.b.c=v`: create missing levels."""
    node = cfg
    parts = key.split(".")
    for k in parts[:-1]:
        nxt = node.get(k)
        if not isinstance(nxt, dict):
            nxt = node[k] = {}
        node = nxt
    node[parts[-1]] = value


def apply_overrides(cfg: Dict[str, Any], image_size: int) -> Dict[str, Any]:
    for k, v in VIDEO_OVERRIDES.items():
        set_dotted(cfg, k, v)
    set_dotted(cfg, "model.image_size", image_size)
    grid = image_size // 16
    # RoPE tables sized for the feature grid (RoPEAttention recomputes them otherwise).
    layer = cfg["model"]["memory_attention"]["layer"]
    for att in ("self_attention", "cross_attention"):
        if att in layer and "feat_sizes" in layer[att]:
            layer[att]["feat_sizes"] = [grid, grid]
    return cfg


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_sha256(path: str, preset: Preset, expected: Optional[str]) -> str:
    """The file's sha256; fails when it differs from --sha256 or from the preset's known hash."""
    got = sha256_file(path)
    want = (expected or preset.sha256 or "").lower() or None
    if want is not None and got != want:
        src = "--sha256" if expected else f"the published {preset.checkpoint or preset.id} checkpoint"
        raise ExportError(f"{path}: sha256 {got} differs from {src} ({want}); wrong or corrupt file")
    return got


def check_state_dict(model_shapes: Dict[str, tuple], ckpt_shapes: Dict[str, tuple], config: str) -> None:
    """Strict load, as sam2's _load_checkpoint, but naming every missing/unexpected/mis-shaped key."""
    missing = sorted(set(model_shapes) - set(ckpt_shapes))
    unexpected = sorted(set(ckpt_shapes) - set(model_shapes))
    shapes = sorted(
        f"{k}: checkpoint {list(ckpt_shapes[k])}, model {list(model_shapes[k])}"
        for k in set(model_shapes) & set(ckpt_shapes)
        if tuple(model_shapes[k]) != tuple(ckpt_shapes[k])
    )
    if not (missing or unexpected or shapes):
        return
    lines = [f"the checkpoint does not fit {config}:"]
    for title, items in (("missing", missing), ("unexpected", unexpected), ("shape mismatch", shapes)):
        if items:
            lines.append(f"  {len(items)} {title}: " + ", ".join(items[:8]) + (" …" if len(items) > 8 else ""))
    raise ExportError("\n".join(lines))
