"""
--trace DIR: PyTorch's own SAM2VideoPredictor on a slab, with the engine's preprocessing, run
through a script of steps, and per step × slice × object what the engine must reproduce.
Format slicesam-trace/2, read by tools/cli/verify-model.ts:

  trace.json   steps, volume dims/window, and one record per (step, slice, object):
               iou, objectScore, offsets into
  logits.f32   low-res mask logits after hole filling (pred_masks), float32 LE
  masks.u8     the slice mask (video resolution, > 0), one byte a pixel
  volume.f32   the slab, [n][h][w] float32 LE (the engine's axis-2 slices)

A script (--trace-script FILE, JSON) is a list of steps, in order, through PyTorch's own API:
  {"prompt": {"object": 1, "slice": 10, "box": {...}, "points": [...]}}
      add_new_points_or_box (clear_old_points=True: the slice's whole prompt, as the engine
      takes it). Allowed anywhere: after a propagation it is a correction on a tracked slice;
      a second prompt on one slice replaces the first.
  {"propagate": {"direction": "forward" | "reverse", "from": 20}}
      propagate_in_video(start_frame_idx=from) for every object added so far, also one whose
      first prompt lies ahead of the pass.
The predictor runs as the engine does: add_all_frames_to_correct_as_cond=True (a prompt on a
tracked slice makes it a conditioning slice), and no previous mask fed back into the decoder
on a re-prompted slice (prev_sam_mask_logits; the exported decoder has no mask input, see
docs/engine.md), so the trace compares everything else.
"""
from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from typing import Any, Dict, List

import numpy as np

from .manifest import IMAGENET_MEAN, IMAGENET_STD, write_json
from .slab import DEFAULT_VOLUME, load_slab, model_inputs, window_of


def default_prompts(n: int, h: int, w: int) -> List[Dict[str, Any]]:
    """Two objects: a box (and later a box + point) for 1, one click (multimask) for 2."""
    mid = n // 2
    return [
        {"object": 1, "slice": mid, "box": {"x0": w * 0.30, "y0": h * 0.30, "x1": w * 0.55, "y1": h * 0.60}},
        {"object": 2, "slice": mid, "points": [{"x": w * 0.68, "y": h * 0.45, "positive": True}]},
        {"object": 1, "slice": min(n - 1, mid + 2), "box": {"x0": w * 0.32, "y0": h * 0.30, "x1": w * 0.55, "y1": h * 0.58},
         "points": [{"x": w * 0.42, "y": h * 0.45, "positive": True}, {"x": w * 0.62, "y": h * 0.2, "positive": False}]},
    ]


def default_steps(prompts: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The prompts, then forward and reverse from the earliest prompted slice (format 1's trace)."""
    start = min(p["slice"] for p in prompts)
    return [{"prompt": p} for p in prompts] + [
        {"propagate": {"direction": "forward", "from": start}},
        {"propagate": {"direction": "reverse", "from": start}},
    ]


def check_steps(steps: Any, n: int) -> List[Dict[str, Any]]:
    """The script's steps, or ValueError naming the first bad one."""
    if isinstance(steps, dict):
        steps = steps.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ValueError("a trace script is a non-empty list of steps (or {\"steps\": [...]})")
    seen: set = set()
    for i, st in enumerate(steps):
        kind = next(iter(st), None) if isinstance(st, dict) and len(st) == 1 else None
        if kind == "prompt":
            p = st["prompt"]
            if not (isinstance(p.get("object"), int) and isinstance(p.get("slice"), int) and 0 <= p["slice"] < n):
                raise ValueError(f"step {i}: a prompt needs an integer object and a slice in 0..{n - 1}")
            if not p.get("box") and not p.get("points"):
                raise ValueError(f"step {i}: a prompt needs a box or points")
            seen.add(p["object"])
        elif kind == "propagate":
            q = st["propagate"]
            if q.get("direction") not in ("forward", "reverse") or not (isinstance(q.get("from"), int) and 0 <= q["from"] < n):
                raise ValueError(f"step {i}: a propagation needs direction forward|reverse and a start slice in 0..{n - 1}")
            if not seen:
                raise ValueError(f"step {i}: a propagation before any prompt")
        else:
            raise ValueError(f"step {i}: expected {{\"prompt\": ...}} or {{\"propagate\": ...}}")
    return steps


def prompt_kwargs(p: Dict[str, Any]) -> Dict[str, Any]:
    kw: Dict[str, Any] = {}
    box = p.get("box")
    pts = p.get("points") or []
    if box:
        kw["box"] = [box["x0"], box["y0"], box["x1"], box["y1"]]
    if pts:
        kw["points"] = [[q["x"], q["y"]] for q in pts]
        kw["labels"] = [1 if q["positive"] else 0 for q in pts]
    return kw


def dicom_to_nifti(folder: str, out: str) -> str:
    """A DICOM series through the app's own reader (`slicesam convert`), so both sides read the same voxels."""
    import subprocess

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    nii = os.path.join(out, "source.nii")
    r = subprocess.run(["node", os.path.join(root, "tools/cli/slicesam.mjs"), "convert", folder, nii], cwd=root, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"could not convert {folder}: {r.stderr.strip()}")
    return nii


class Timer:
    """Wall ms per call of the model's parts (the graphs' counterparts)."""

    def __init__(self):
        self.ms: Dict[str, List[float]] = defaultdict(list)

    def wrap(self, obj, attr: str, name: str):
        real = getattr(obj, attr)

        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                self.ms[name].append((time.perf_counter() - t0) * 1000)

        setattr(obj, attr, timed)


def write_trace(a, preset, size, model) -> None:
    import torch
    import sam2.sam2_video_predictor as svp

    out = a.trace
    slab, krange, source, steps = trace_input(a)
    n, h, w = slab.shape
    window = window_of(slab)
    images = model_inputs(slab, window, size, IMAGENET_MEAN, IMAGENET_STD)
    svp.load_video_frames = lambda **k: (images, h, w)  # our frames, as the engine makes them

    pred = model
    pred.add_all_frames_to_correct_as_cond = True  # as the engine (and SAM2's demo) does
    timer = Timer()
    timer.wrap(pred, "forward_image", "vision_encoder")
    timer.wrap(pred, "_forward_sam_heads", "mask_decoder")
    timer.wrap(pred, "_encode_new_memory", "memory_encoder")
    timer.wrap(pred, "_prepare_memory_conditioned_features", "memory_attention")
    last_iou: Dict[str, float] = {}
    heads = pred._forward_sam_heads

    def heads_iou(*args, **kw):
        r = heads(*args, **kw)
        ious = r[2]
        last_iou["v"] = float(ious.max()) if ious.shape[-1] > 1 else float(ious[0, 0])
        return r

    pred._forward_sam_heads = heads_iou
    captured: Dict[tuple, dict] = {}
    single = pred._run_single_frame_inference

    def single_frame(inference_state, output_dict, frame_idx, *args, **kw):
        kw["prev_sam_mask_logits"] = None  # the engine's decoder takes no previous mask (docs/engine.md)
        r = single(inference_state, output_dict, frame_idx, *args, **kw)
        obj = next(i for i, d in inference_state["output_dict_per_obj"].items() if d is output_dict)
        captured[(frame_idx, obj)] = {
            "logits": r[1][0, 0].float().numpy().copy(),
            "score": float(r[0]["object_score_logits"].reshape(-1)[0]),
            "iou": last_iou["v"],
        }
        return r

    pred._run_single_frame_inference = single_frame
    attend = pred.memory_attention.forward

    def attend_fp32(*args, memory=None, memory_pos=None, **kw):
        # Memories are stored bfloat16; with no object pointer beside them (an object tracked
        # before its first prompt) the bank stays bfloat16 and the fp32 attention fails. The cast
        # is exact, and it is what the engine does (bfloat16 values held as float32).
        return attend(*args, memory=memory.float(), memory_pos=memory_pos.float(), **kw)

    pred.memory_attention.forward = attend_fp32

    records: List[Dict[str, Any]] = []
    logits = open(os.path.join(out, "logits.f32"), "wb")
    masks = open(os.path.join(out, "masks.u8"), "wb")

    def record(step: int, pass_name: str, frame: int, obj_idx: int, obj_id: int, video_mask) -> None:
        c = captured[(frame, obj_idx)]
        m = (video_mask > 0).numpy().astype(np.uint8).reshape(-1)
        records.append({
            "step": step, "pass": pass_name, "slice": frame, "object": obj_id, "iou": c["iou"], "objectScore": c["score"],
            "logits": logits.tell() // 4, "mask": masks.tell(), "maskPixels": int(m.sum()),
        })
        logits.write(c["logits"].astype("<f4").tobytes())
        masks.write(m.tobytes())

    t0 = time.time()
    with torch.inference_mode():
        state = pred.init_state(video_path="<slab>")
        for i, st in enumerate(steps):
            if "prompt" in st:
                p = st["prompt"]
                _, ids, vm = pred.add_new_points_or_box(state, frame_idx=p["slice"], obj_id=p["object"], **prompt_kwargs(p))
                oi = list(ids).index(p["object"])
                record(i, "prompt", p["slice"], state["obj_id_to_idx"][p["object"]], p["object"], vm[oi, 0])
                continue
            q = st["propagate"]
            for frame, ids, vm in pred.propagate_in_video(state, start_frame_idx=q["from"], reverse=q["direction"] == "reverse"):
                for oi, oid in enumerate(ids):
                    record(i, q["direction"], frame, state["obj_id_to_idx"][oid], oid, vm[oi, 0])
    seconds = time.time() - t0
    logits.close()
    masks.close()
    slab.astype("<f4").tofile(os.path.join(out, "volume.f32"))
    write_json(os.path.join(out, "trace.json"), {
        "format": "slicesam-trace/2",
        "model": {"preset": preset.id, "version": preset.version, "imageSize": size, "randomInit": bool(a.random_init),
                  "seed": a.seed, "checkpoint": None if a.random_init else os.path.basename(a.checkpoint)},
        "volume": {"file": "volume.f32", "dims": [w, h, n], "source": source, "slices": krange},
        "window": {"min": window[0], "max": window[1]},
        "lowResSide": size // 4,
        "steps": steps,
        "pytorch": {"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                    "settings": {"add_all_frames_to_correct_as_cond": True, "prev_sam_mask_logits": None},
                    "ms": {k: v for k, v in timer.ms.items()}},
        "records": records,
    })
    empty = sum(1 for r in records if r["maskPixels"] == 0)
    print(f"trace: {len(records)} records ({empty} empty masks) in {len(steps)} steps on {n} slices in {seconds:.0f} s -> {out}")


def trace_input(a):
    """The slab (a DICOM folder converted into the trace folder) and the steps to run on it."""
    os.makedirs(a.trace, exist_ok=True)
    path = a.trace_volume or os.path.join(os.path.dirname(__file__), "..", "..", "..", DEFAULT_VOLUME)
    path = os.path.abspath(path)
    if os.path.isdir(path):
        path = dicom_to_nifti(path, a.trace)
    slab, krange, source = load_slab(path, a.trace_slices)
    n, h, w = slab.shape
    if a.trace_script:
        steps = check_steps(json.load(open(a.trace_script)), n)
    else:
        steps = default_steps(json.load(open(a.trace_prompts)) if a.trace_prompts else default_prompts(n, h, w))
    return slab, krange, source, steps


def mask_fractions(model, slab, steps, size: int) -> List[float]:
    """Each prompt step of the trace's script on its own (no propagation): its mask's share of the slice, for --pick-seed."""
    import torch
    import sam2.sam2_video_predictor as svp

    n, h, w = slab.shape
    images = model_inputs(slab, window_of(slab), size, IMAGENET_MEAN, IMAGENET_STD)
    svp.load_video_frames = lambda **k: (images, h, w)
    fractions = []
    with torch.inference_mode():
        state = model.init_state(video_path="<slab>")
        for st in steps:
            if "prompt" in st:
                p = st["prompt"]
                _, ids, vm = model.add_new_points_or_box(state, frame_idx=p["slice"], obj_id=p["object"], **prompt_kwargs(p))
                fractions.append(float((vm[list(ids).index(p["object"]), 0] > 0).float().mean()))
    return fractions
