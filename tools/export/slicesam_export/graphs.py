"""
SAM2VideoPredictor split into the engine's five graphs (tools/fixture-model/INTERFACE.md):
thin wrappers that call the model's own modules, so the graphs compute what
sam2_base.py computes; what the graphs leave out is the engine's TypeScript.

Export-only patches of sam2's modules: export_patches.py. Also:
- The decoder chooses multimask vs single mask in the graph from the number of real points
  (sam2_base._use_multimask), running the mask decoder's transformer once.
"""
from __future__ import annotations

from typing import Dict, List

import torch
from torch import nn


class VisionEncoder(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, pixel_values):
        out = self.m.forward_image(pixel_values)  # applies conv_s0 / conv_s1 to levels 0, 1
        _, feats, pos, sizes = self.m._prepare_backbone_features(out)
        f0, f1 = out["backbone_fpn"][0], out["backbone_fpn"][1]
        h, w = sizes[-1]
        f2 = feats[-1].permute(1, 2, 0).reshape(1, -1, h, w)
        no_mem = (feats[-1] + self.m.no_mem_embed).permute(1, 2, 0).reshape(1, -1, h, w)
        p2 = pos[-1].permute(1, 2, 0).reshape(1, -1, h, w)
        return f0, f1, f2, no_mem, p2


class MaskDecoder(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m
        if not m.multimask_output_for_tracking:
            raise NotImplementedError("configs with multimask_output_for_tracking=false")

    def forward(self, feats0, feats1, feats2_cond, input_points, input_labels):
        m = self.m
        point_inputs = {"point_coords": input_points[:, 0], "point_labels": input_labels[:, 0]}
        dec = m.sam_mask_decoder
        real = dec.predict_masks
        memo: List = []

        def once(*a, **k):  # both branches below share one transformer run
            if not memo:
                memo.append(real(*a, **k))
            return memo[0]

        dec.predict_masks = once
        try:
            multi = m._forward_sam_heads(feats2_cond, point_inputs, None, [feats0, feats1], True)
            single = m._forward_sam_heads(feats2_cond, point_inputs, None, [feats0, feats1], False)
        finally:
            del dec.predict_masks
        # _use_multimask: num_pts counts the prompt's points; a tracked frame has none (only padding).
        n = (input_labels != -1).sum().float()
        use = (n >= m.multimask_min_pt_num) & (n <= m.multimask_max_pt_num)
        if not m.multimask_output_in_sam:
            use = torch.zeros_like(use)
        iou_multi = multi[2].max(dim=-1, keepdim=True).values
        pick = lambda a, b: torch.where(use, a, b)  # noqa: E731
        low = pick(multi[3], single[3])
        high = pick(multi[4], single[4])
        iou = pick(iou_multi, single[2])
        ptr = pick(multi[5], single[5])
        return low, high, iou, multi[6].reshape(1, 1, 1), ptr.reshape(1, 1, -1)


class MemoryEncoder(nn.Module):
    """sam2_base._encode_new_memory with `binarize` as an input (is_mask_from_pts)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, feats2, high_res_mask, object_score_logits, binarize):
        m = self.m
        if m.binarize_mask_from_pts_for_mem_enc:
            mask = torch.where(binarize > 0.5, (high_res_mask > 0).float(), torch.sigmoid(high_res_mask))
        else:
            mask = torch.sigmoid(high_res_mask)
        if m.sigmoid_scale_for_mem_enc != 1.0:
            mask = mask * m.sigmoid_scale_for_mem_enc
        if m.sigmoid_bias_for_mem_enc != 0.0:
            mask = mask + m.sigmoid_bias_for_mem_enc
        out = m.memory_encoder(feats2, mask, skip_mask_sigmoid=True)
        feats = out["vision_features"]
        if m.no_obj_embed_spatial is not None:
            appearing = (object_score_logits > 0).float()
            feats = feats + (1 - appearing[..., None, None]) * m.no_obj_embed_spatial[..., None, None].expand(*feats.shape)
        else:
            # SAM 2.0 does not read the score; + 0·score keeps the input the interface names
            # (the exporter drops unused inputs).
            feats = feats + 0 * object_score_logits.reshape(1, 1, 1, 1)
        tok = feats.flatten(2).permute(2, 0, 1)
        pos = out["vision_pos_enc"][-1].flatten(2).permute(2, 0, 1)
        return tok, pos


class MemoryAttention(nn.Module):
    def __init__(self, m, grid: int):
        super().__init__()
        self.m = m
        self.grid = grid

    def forward(self, current_vision_features, current_vision_position_embeddings, memory, memory_pos):
        hw = self.grid * self.grid
        rows = torch._shape_as_tensor(memory)[0]
        n_ptr = torch.remainder(rows, hw)  # pointer tokens (< HW) follow k·HW spatial rows
        out = self.m.memory_attention(
            curr=[current_vision_features],
            curr_pos=[current_vision_position_embeddings],
            memory=memory,
            memory_pos=memory_pos,
            num_obj_ptr_tokens=n_ptr,
        )
        return out.permute(1, 2, 0).reshape(1, -1, self.grid, self.grid)


class PointerTpos(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, normalized_diffs):
        from sam2.modeling.sam2_utils import get_1d_sine_pe

        m = self.m
        dim = m.hidden_dim if m.proj_tpos_enc_in_obj_ptrs else m.mem_dim
        return m.obj_ptr_tpos_proj(get_1d_sine_pe(normalized_diffs, dim=dim))


SPECS = {
    "vision_encoder": (["pixel_values"], ["feats0", "feats1", "feats2", "feats2_no_mem", "vision_pos_embed"], {}),
    "mask_decoder": (
        ["feats0", "feats1", "feats2_cond", "input_points", "input_labels"],
        ["low_res_mask", "high_res_mask", "iou", "object_score_logits", "object_pointer"],
        {"input_points": {2: "num_points"}, "input_labels": {2: "num_points"}},
    ),
    "memory_encoder": (["feats2", "high_res_mask", "object_score_logits", "binarize"], ["memory_tokens", "memory_pos"], {}),
    "memory_attention": (
        ["current_vision_features", "current_vision_position_embeddings", "memory", "memory_pos"],
        ["conditioned_feats"],
        {"memory": {0: "rows"}, "memory_pos": {0: "rows"}},
    ),
    "pointer_tpos": (["normalized_diffs"], ["pointer_pos"], {"normalized_diffs": {0: "pointers"}}),
}


def example_inputs(name: str, s: int, mem_dim: int = 64) -> tuple:
    g = s // 16
    hw = g * g
    r = torch.randn
    return {
        "vision_encoder": lambda: (r(1, 3, s, s),),
        "mask_decoder": lambda: (
            r(1, 32, 4 * g, 4 * g), r(1, 64, 2 * g, 2 * g), r(1, 256, g, g),
            torch.tensor([[[[10.0, 20.0], [s / 2, s / 2], [s / 3, s / 4]]]]), torch.tensor([[[2, 3, 1]]], dtype=torch.int32),
        ),
        "memory_encoder": lambda: (r(1, 256, g, g), r(1, 1, s, s), torch.ones(1, 1), torch.tensor(1.0)),
        "memory_attention": lambda: (r(hw, 1, 256), r(hw, 1, 256), r(2 * hw + 8, 1, mem_dim), r(2 * hw + 8, 1, mem_dim)),
        "pointer_tpos": lambda: (torch.linspace(-1, 1, 16),),
    }[name]()


def modules(model, grid: int) -> Dict[str, nn.Module]:
    return {
        "vision_encoder": VisionEncoder(model),
        "mask_decoder": MaskDecoder(model),
        "memory_encoder": MemoryEncoder(model),
        "memory_attention": MemoryAttention(model, grid),
        "pointer_tpos": PointerTpos(model),
    }


def export_all(model, image_size: int, out_dir: str, precision: str, opset: int = 17, log=print) -> None:
    from .export_patches import patch_for_export

    grid = image_size // 16
    restore = patch_for_export(model, grid)
    try:
        _export_graphs(model, grid, image_size, out_dir, precision, opset, log)
    finally:
        restore()


def _export_graphs(model, grid, image_size, out_dir, precision, opset, log) -> None:
    import os

    from .onnx_files import check_interface, dedupe_constants, to_fp16

    torch.manual_seed(0)
    for name, mod in modules(model, grid).items():
        inputs, outputs, dyn = SPECS[name]
        args = example_inputs(name, image_size)
        path = os.path.join(out_dir, f"{name}.onnx")
        with torch.no_grad():
            torch.onnx.export(
                mod.eval(), args, path, input_names=inputs, output_names=outputs, dynamic_axes=dyn,
                opset_version=opset, do_constant_folding=True,
            )
        dedupe_constants(path)
        check_interface(path, name)
        note = ""
        if precision == "fp16":
            note = f"  ({to_fp16(path)})"
            check_interface(path, name)
        log(f"  {name}.onnx  {os.path.getsize(path):,} bytes{note}")


# Ranks of every input/output (tools/fixture-model/INTERFACE.md); all float32 but input_labels.
