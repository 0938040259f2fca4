"""The export and the golden trace (torch from here on)."""
from __future__ import annotations

import json
import os
import time

from .manifest import constants, manifest, model_id, write_json
from .presets import ExportError


def pick_seed(a, preset, size) -> int:
    """The first seed from a.seed whose prompt masks all cover 5-60 % of their slice: agreement on whole-slice masks proves little."""
    from .build import build
    from .trace import mask_fractions, trace_input

    slab, _, _, steps = trace_input(a)  # read once for every seed
    for seed in range(a.seed, a.seed + a.pick_seed):
        model, _ = build(preset, size, None, seed)
        f = mask_fractions(model, slab, steps, size)
        print(f"seed {seed}: prompt masks cover {', '.join(f'{100 * x:.0f}%' for x in f)} of their slices")
        if all(0.05 <= x <= 0.60 for x in f):
            return seed
    raise ExportError(f"no seed in {a.seed}..{a.seed + a.pick_seed - 1} gives prompt masks of 5-60 % of a slice: try other prompts or more seeds")


def export(a, preset, size):
    from .build import build

    if a.pick_seed:
        a.seed = pick_seed(a, preset, size)
    model, _ = build(preset, size, a.checkpoint, a.seed)
    mid = a.id or model_id(preset.id, size, a.precision, a.random_init)
    if a.skip_export:
        return model
    os.makedirs(a.out, exist_ok=True)
    print(f"exporting {preset.name} ({'random init, seed %d' % a.seed if a.random_init else a.checkpoint}) at {size} px, {a.precision} -> {a.out}")
    from .graphs import export_all

    t0 = time.time()
    export_all(model, size, a.out, a.precision)
    table = model.maskmem_tpos_enc.detach().reshape(model.num_maskmem, -1).tolist()
    write_json(os.path.join(a.out, "constants.json"), constants(table, size, model.num_maskmem, model.max_obj_ptrs_in_encoder, mid))
    origin = {"repository": preset.repository} if preset.repository else None
    if origin and preset.license:
        origin["license"] = preset.license
    src = f"random weights (seed {a.seed})" if a.random_init else f"checkpoint {os.path.basename(a.checkpoint)}"
    notes = (
        f"Exported by tools/export/export_sam2.py from {preset.config} ({src}), {size} px, {a.precision}; "
        "memory_attention takes a dynamic number of memory rows (no padding)."
    )
    if a.precision == "fp16":
        notes += (
            " fp16 weights, fp32 compute: the float32 weights are stored as float16 and each is Cast back to float32 "
            "where it is read (tools/export/slicesam_export/fp16.py); inputs, outputs and arithmetic stay float32 "
            "(scalars and values float16 cannot hold stay float32)."
        )
    m = manifest(a.out, mid, preset.name + (" [random init]" if a.random_init else ""), preset.version, a.precision, size,
                 model.num_maskmem, model.max_obj_ptrs_in_encoder, origin, notes, a.url_prefix)
    write_json(os.path.join(a.out, "manifest.json"), m)
    print(f"wrote {a.out}/manifest.json ({mid}) in {time.time() - t0:.0f} s")
    return model


def trace(a, preset, size, model):
    from .trace import write_trace

    write_trace(a, preset, size, model)


__all__ = ["export", "trace", "ExportError"]
