"""The written ONNX files: one copy of each constant, the interface checked, fp16 weights (fp16.py)."""
from __future__ import annotations

from typing import Dict

from .graphs import SPECS


RANKS = {
    "pixel_values": 4, "feats0": 4, "feats1": 4, "feats2": 4, "feats2_no_mem": 4, "vision_pos_embed": 4, "feats2_cond": 4,
    "input_points": 4, "input_labels": 3, "low_res_mask": 4, "high_res_mask": 4, "iou": 2, "object_score_logits": None,
    "object_pointer": 3, "binarize": 0, "memory_tokens": 3, "memory_pos": 3, "current_vision_features": 3,
    "current_vision_position_embeddings": 3, "memory": 3, "conditioned_feats": 4, "normalized_diffs": 1, "pointer_pos": 2,
}


def dedupe_constants(path: str) -> None:
    """
    One copy of each constant tensor: the tracer writes the RoPE tables once per attention
    layer (75 MB of memory_attention at 1024 px, 8 MB unique).
    """
    import hashlib

    import onnx

    m = onnx.load(path)
    first: Dict[tuple, str] = {}
    rename: Dict[str, str] = {}
    keep = []
    for n in m.graph.node:
        if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
            t = n.attribute[0].t
            key = (t.data_type, tuple(t.dims), hashlib.sha256(t.SerializeToString()).hexdigest())
            if key in first:
                rename[n.output[0]] = first[key]
                continue
            first[key] = n.output[0]
        for i, x in enumerate(n.input):
            if x in rename:
                n.input[i] = rename[x]
        keep.append(n)
    if not rename:
        return
    if any(o.name in rename for o in m.graph.output):
        raise RuntimeError(f"{path}: a graph output is a duplicated constant")
    del m.graph.node[:]
    m.graph.node.extend(keep)
    onnx.save(m, path)


def check_interface(path: str, name: str) -> None:
    """The written graph has exactly the engine's inputs and outputs, in order, with their dtypes and ranks."""
    import onnx

    g = onnx.load(path, load_external_data=False).graph
    want_in, want_out, _ = SPECS[name]
    got_in = [i.name for i in g.input if i.name not in {x.name for x in g.initializer}]
    got_out = [o.name for o in g.output]
    if got_in != want_in or got_out != want_out:
        raise RuntimeError(f"{name}: inputs {got_in} / outputs {got_out}, the engine needs {want_in} / {want_out}")
    for v in list(g.input) + list(g.output):
        t = v.type.tensor_type
        dtype = onnx.TensorProto.INT32 if v.name == "input_labels" else onnx.TensorProto.FLOAT
        rank = RANKS[v.name]
        if v.name == "object_score_logits":
            rank = 2 if name == "memory_encoder" else 3  # [1,1] into the memory encoder, [1,1,1] out of the decoder
        if t.elem_type != dtype or len(t.shape.dim) != rank:
            raise RuntimeError(f"{name}: {v.name} is {onnx.TensorProto.DataType.Name(t.elem_type)} rank {len(t.shape.dim)}, the engine needs rank {rank}")


def to_fp16(path: str) -> str:
    """
    fp16 weights, fp32 compute (fp16.py): float32 weights stored as float16, each Cast back to
    float32 once where it is read; inputs, outputs and arithmetic stay float32. Returns a summary.
    """
    from .fp16 import convert_file

    s = convert_file(path)
    return (f"fp16 weights: {s['initializers']} initializers + {s['constants']} constants, {s['kept_fp32']} kept fp32, "
            f"float weights {s['bytes_before']:,} -> {s['bytes_after']:,} bytes")
