"""
fp16 weights, fp32 compute: our own converter on the `onnx` package and NumPy only
(onnxconverter-common is not in Debian and PyPI is not reachable here).

Every float32 weight (initializers, and the float tensors of Constant nodes) is stored as
float16 and turned back into float32 by one Cast where it is consumed: the Cast takes the
weight's original name, so every consumer (subgraphs included) reads float32 unchanged.
The graph therefore computes in float32, keeps its float32 inputs and outputs, and the
file is about half the size; the only change to the numbers is the fp16 rounding of the
weights themselves.

Kept float32 (stored as they were):
- tensors that float16 cannot hold: a finite value that would overflow to ±inf, or
  non-zero values that would flush to zero while being more than the fp16 rounding of the
  tensor's largest value (e.g. -3.4e38 attention masks, 1e-12 epsilons; a stray 1e-8 among
  weights of 0.05 is only rounding and does not count);
- small tensors (fewer than `min_elements` values: scalars, eps, scale factors, Resize
  scales) - they save nothing and would only add Casts;
- tensors read as parameters rather than data (Resize roi/scales);
- initializers that are also graph inputs (overridable: their type is the interface).
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np

FP16_MAX = float(np.finfo(np.float16).max)
# Inputs that are parameters of the op, not data: (op_type, input index).
KEEP_FP32_INPUTS = {("Resize", 1), ("Resize", 2)}
SUFFIX = "__fp16"


def _fits_fp16(a: np.ndarray) -> bool:
    """
    No finite value overflows, and no value is lost to underflow beyond the tensor's own fp16
    rounding: a weight of 1e-8 among weights of 0.05 may flush to zero (an error below the
    rounding of its neighbours), a tensor of 1e-12 epsilons may not.
    """
    finite = np.abs(a[np.isfinite(a)])
    if finite.size == 0:
        return True
    top = float(finite.max())
    if top > FP16_MAX:
        return False
    h = a.astype(np.float16)
    flushed = np.abs(a[(h == 0) & (a != 0)])
    return flushed.size == 0 or float(flushed.max()) <= top * 2.0 ** -11


def _all_nodes(graph):
    """Every node of graph and of its subgraphs (If/Loop/Scan bodies)."""
    import onnx

    for n in graph.node:
        yield n
        for att in n.attribute:
            if att.type == onnx.AttributeProto.GRAPH:
                yield from _all_nodes(att.g)
            elif att.type == onnx.AttributeProto.GRAPHS:
                for g in att.graphs:
                    yield from _all_nodes(g)


def convert_model(model, min_elements: int = 16) -> Dict[str, int]:
    """
    Converts model (a ModelProto) in place; returns counts: initializers / constants converted,
    kept float32, and the bytes of float weights before and after.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    g = model.graph
    pinned = set()
    for n in _all_nodes(g):
        for i, x in enumerate(n.input):
            if (n.op_type, i) in KEEP_FP32_INPUTS:
                pinned.add(x)
    graph_inputs = {i.name for i in g.input}
    graph_outputs = {o.name for o in g.output}
    taken = {t.name for t in g.initializer} | {x for n in _all_nodes(g) for x in list(n.input) + list(n.output)} | graph_inputs

    def new_name(name: str) -> str:
        cand, k = name + SUFFIX, 0
        while cand in taken:
            k += 1
            cand = f"{name}{SUFFIX}{k}"
        taken.add(cand)
        return cand

    def convertible(t, name: str) -> Tuple[bool, np.ndarray]:
        if t.data_type != TensorProto.FLOAT or name in pinned or name in graph_outputs:
            return False, None
        a = numpy_helper.to_array(t)
        if a.size < min_elements or not _fits_fp16(a):
            return False, a
        return True, a

    stats = {"initializers": 0, "constants": 0, "kept_fp32": 0, "bytes_before": 0, "bytes_after": 0}
    casts: List = []
    new_inits = []
    for t in g.initializer:
        if t.data_type != TensorProto.FLOAT:
            new_inits.append(t)
            continue
        ok, a = convertible(t, t.name) if t.name not in graph_inputs else (False, None)
        n_bytes = 4 * max(1, int(np.prod(t.dims)))
        stats["bytes_before"] += n_bytes
        if not ok:
            stats["kept_fp32"] += 1
            stats["bytes_after"] += n_bytes
            new_inits.append(t)
            continue
        h_name = new_name(t.name)
        new_inits.append(numpy_helper.from_array(a.astype(np.float16), h_name))
        casts.append(helper.make_node("Cast", [h_name], [t.name], name=h_name + "_cast", to=TensorProto.FLOAT))
        stats["initializers"] += 1
        stats["bytes_after"] += n_bytes // 2
    del g.initializer[:]
    g.initializer.extend(new_inits)

    nodes = list(casts)  # initializers exist from the start: their Casts go first
    for n in g.node:
        nodes.append(n)
        if n.op_type != "Constant" or len(n.attribute) != 1 or n.attribute[0].name != "value":
            continue
        t = n.attribute[0].t
        if t.data_type != TensorProto.FLOAT:
            continue
        out = n.output[0]
        n_bytes = 4 * max(1, int(np.prod(t.dims)))
        stats["bytes_before"] += n_bytes
        ok, a = convertible(t, out)
        if not ok:
            stats["kept_fp32"] += 1
            stats["bytes_after"] += n_bytes
            continue
        h_name = new_name(out)
        n.attribute[0].t.CopyFrom(numpy_helper.from_array(a.astype(np.float16), t.name))
        n.output[0] = h_name
        nodes.append(helper.make_node("Cast", [h_name], [out], name=h_name + "_cast", to=TensorProto.FLOAT))
        stats["constants"] += 1
        stats["bytes_after"] += n_bytes // 2
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(model)
    return stats


def convert_file(path: str, min_elements: int = 16) -> Dict[str, int]:
    """Converts the .onnx file at path in place (checked with onnx.checker)."""
    import onnx

    m = onnx.load(path)
    stats = convert_model(m, min_elements)
    onnx.save(m, path)
    onnx.checker.check_model(path)
    return stats
