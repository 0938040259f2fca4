"""Build a SAM2VideoPredictor from a sam2 YAML config without hydra, and load its weights."""
from __future__ import annotations

import copy
import os
from typing import Optional

from . import compat
from .presets import ExportError, Preset, apply_overrides, check_state_dict


def sam2_root() -> str:
    import sam2

    return os.path.dirname(sam2.__file__)


def load_config(preset: Preset, image_size: int) -> dict:
    from omegaconf import OmegaConf

    path = os.path.join(sam2_root(), preset.config)
    if not os.path.isfile(path):
        raise ExportError(f"{path}: config not found in the sam2 package")
    cfg = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
    return apply_overrides(cfg, image_size)


def build(preset: Preset, image_size: int, checkpoint: Optional[str], seed: int):
    import torch

    compat.install()
    import sam2  # noqa: F401

    compat.install_connected_components()
    cfg = load_config(preset, image_size)
    torch.manual_seed(seed)  # --random-init: the same weights for the same seed
    model = compat.instantiate(copy.deepcopy(cfg["model"]))
    if checkpoint is not None:
        sd = torch.load(checkpoint, map_location="cpu", weights_only=True)  # no pickled code from a download
        if isinstance(sd, dict) and "model" in sd and isinstance(sd["model"], dict):
            sd = sd["model"]
        if not isinstance(sd, dict):
            raise ExportError(f"{checkpoint}: not a state dict (or a dict with a 'model' state dict)")
        own = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        check_state_dict(own, {k: tuple(v.shape) for k, v in sd.items()}, preset.config)
        model.load_state_dict(sd, strict=True)
    return model.eval(), cfg
