#!/usr/bin/env python3
"""
SAM2-family checkpoint -> a SliceSAM model folder (five ONNX graphs, constants.json,
manifest.json); optionally a golden trace of PyTorch's own video predictor (--trace).
Environment and examples: docs/models.md, "Exporting a checkpoint".
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from slicesam_export.presets import PRESETS, ExportError, resolve  # noqa: E402


def parse(argv):
    p = argparse.ArgumentParser(prog="export_sam2.py", description=__doc__.strip().splitlines()[0])
    p.add_argument("--model", required=True, help="one of: " + ", ".join(sorted(PRESETS)))
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="the .pt / .pth file")
    src.add_argument("--random-init", action="store_true", help="random weights (benchmarks, trace tests)")
    p.add_argument("--seed", type=int, default=0, help="seed of --random-init (default 0)")
    p.add_argument("--sha256", help="expected sha256 of the checkpoint (known for some presets)")
    p.add_argument("--image-size", type=int, choices=(1024, 512), help="default: the preset's")
    p.add_argument("--precision", default="fp32", choices=("fp32", "fp16"))
    p.add_argument("--out", required=True, help="model folder to write")
    p.add_argument("--id", help="manifest id (default <model>-<precision>-<size>[-random])")
    p.add_argument("--url-prefix", help="prefix of the manifest's file URLs (default models/<id>)")
    p.add_argument("--trace", metavar="DIR", help="also write a golden trace of SAM2VideoPredictor here")
    p.add_argument("--trace-volume", help="NIfTI (.nii/.nii.gz) to trace on (default: a slab of the shared MR)")
    p.add_argument("--trace-slices", default=None, help="slab of --trace-volume along k, e.g. 80:88")
    p.add_argument("--trace-prompts", help="JSON file of prompts (default: two objects, box + points)")
    p.add_argument("--trace-script", help="JSON file of steps: prompts, corrections and propagations in order (see slicesam_export/trace.py)")
    p.add_argument("--pick-seed", type=int, metavar="N", help="with --random-init: try N seeds from --seed and take the first whose prompt masks all cover 5-60%% of the slice")
    p.add_argument("--skip-export", action="store_true", help="only --trace (model folder already written)")
    a = p.parse_args(argv)
    if a.skip_export and not a.trace:
        p.error("--skip-export needs --trace")
    if a.trace_script and a.trace_prompts:
        p.error("--trace-script and --trace-prompts: one or the other")
    if a.pick_seed is not None and (not a.random_init or not a.trace or a.pick_seed < 1):
        p.error("--pick-seed N needs --random-init, --trace and N >= 1")
    if a.sha256 is not None and (len(a.sha256) != 64 or any(c not in "0123456789abcdefABCDEF" for c in a.sha256)):
        p.error("--sha256 must be 64 hex digits")
    return a


def main(argv=None) -> int:
    a = parse(sys.argv[1:] if argv is None else argv)
    try:
        preset, size = resolve(a.model, a.image_size, a.precision)
        if a.checkpoint is not None:
            from slicesam_export.presets import check_sha256

            if not os.path.isfile(a.checkpoint):
                raise ExportError(f"{a.checkpoint}: no such file")
            print(f"sha256 {check_sha256(a.checkpoint, preset, a.sha256)}")
        from slicesam_export.run import export, trace

        model = export(a, preset, size)
        if a.trace:
            trace(a, preset, size, model)
    except ExportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
