"""
Export-only changes to sam2's modules, undone after the export (the trace runs sam2's own code):
- RoPE attention in real arithmetic (ONNX has no complex numbers), with the number of
  object-pointer rows excluded from RoPE computed in the graph as `rows mod HW` (pointer
  tokens are < HW), so memory_attention takes any row count: no padding.
- torch.where with Python scalars, Tensor.tile: forms torch 1.13 cannot export to ONNX.
"""
from __future__ import annotations

import math
from typing import Dict

import torch


def _rope_tables(head_dim: int, grid: int, theta: float):
    from sam2.modeling.position_encoding import compute_axial_cis

    cis = compute_axial_cis(dim=head_dim, end_x=grid, end_y=grid, theta=theta)  # [HW, head_dim/2] complex
    return cis.real.float().contiguous(), cis.imag.float().contiguous()


def _rotate(x, cos, sin):
    """x [..., L, D] with (re, im) interleaved pairs, times cos + i·sin of [L, D/2]."""
    xr = x.reshape(*x.shape[:-1], -1, 2)
    a, b = xr[..., 0], xr[..., 1]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)


def patch_for_export(model, grid: int):
    """
    RoPEAttention / MemoryAttentionLayer forwards that trace to ONNX with a dynamic bank;
    returns the function that undoes every patch (so that --trace runs sam2's own code).
    """
    from sam2.modeling.memory_attention import MemoryAttentionLayer
    from sam2.modeling.sam.transformer import RoPEAttention

    # Tables computed before tracing (torch.polar has no ONNX symbolic): constants in the graph.
    tables: Dict[tuple, tuple] = {}
    for mod in model.modules():
        if isinstance(mod, RoPEAttention):
            key = (mod.internal_dim // mod.num_heads, grid, float(mod.compute_cis.keywords["theta"]))
            if key not in tables:
                tables[key] = _rope_tables(*key)

    def rope_forward(self, q, k, v, num_k_exclude_rope=0):
        q = self._separate_heads(self.q_proj(q), self.num_heads)
        k = self._separate_heads(self.k_proj(k), self.num_heads)
        v = self._separate_heads(self.v_proj(v), self.num_heads)
        hw = grid * grid  # static: the current frame's tokens
        cos, sin = tables[(self.internal_dim // self.num_heads, grid, float(self.compute_cis.keywords["theta"]))]
        q = _rotate(q, cos, sin)
        rows = torch._shape_as_tensor(k)[-2]
        idx = torch.arange(rows)
        spatial = (idx < rows - num_k_exclude_rope).unsqueeze(-1)  # pointer rows get no RoPE
        at = torch.remainder(idx, hw)  # rope_k_repeat: the q table repeated over the spatial rows
        kc = torch.where(spatial, cos[at], torch.ones_like(cos[at]))
        ks = torch.where(spatial, sin[at], torch.zeros_like(sin[at]))
        k = _rotate(k, kc, ks)
        att = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.internal_dim // self.num_heads), dim=-1)
        return self.out_proj(self._recombine_heads(torch.matmul(att, v)))

    def forward_ca(self, tgt, memory, query_pos, pos, num_k_exclude_rope=0):
        tgt2 = self.norm2(tgt)
        tgt2 = self.cross_attn_image(
            q=tgt2 + query_pos if self.pos_enc_at_cross_attn_queries else tgt2,
            k=memory + pos if self.pos_enc_at_cross_attn_keys else memory,
            v=memory,
            num_k_exclude_rope=num_k_exclude_rope,
        )
        return tgt + self.dropout2(tgt2)

    saved = [(RoPEAttention, "forward", RoPEAttention.forward), (MemoryAttentionLayer, "_forward_ca", MemoryAttentionLayer._forward_ca),
             (torch, "where", torch.where), (torch.Tensor, "tile", torch.Tensor.tile)]
    RoPEAttention.forward = rope_forward
    # torch 1.13 exports a Python float in torch.where as a double constant, which ORT refuses
    # next to a float tensor: make scalars tensors of the other branch's dtype.
    real_where = torch.where

    def where(cond, a=None, b=None):
        if a is None:
            return real_where(cond)
        if not torch.is_tensor(a):
            a = torch.tensor(a, dtype=b.dtype)
        if not torch.is_tensor(b):
            b = torch.tensor(b, dtype=a.dtype)
        return real_where(cond, a, b)

    torch.where = where
    # aten::tile has no ONNX symbolic in torch 1.13; Hiera tiles with one repeat per dim = repeat.
    torch.Tensor.tile = lambda self, *dims: self.repeat(*(dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims))
    MemoryAttentionLayer._forward_ca = forward_ca

    def restore() -> None:
        for owner, name, value in saved:
            setattr(owner, name, value)

    return restore
