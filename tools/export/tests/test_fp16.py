"""fp16.py: fp16 weights, fp32 compute (needs only onnx and NumPy; numerics checked with NumPy)."""
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:  # pragma: no cover
    onnx = None

if onnx is not None:
    from slicesam_export.fp16 import convert_file, convert_model  # noqa: E402

NP = {TensorProto.FLOAT: np.float32, TensorProto.FLOAT16: np.float16, TensorProto.INT64: np.int64} if onnx else {}


def evaluate(model, feeds):
    """A NumPy evaluator for the few ops these graphs use (onnx 1.12 has no onnx.reference)."""
    env = dict(feeds)
    for t in model.graph.initializer:
        env[t.name] = numpy_helper.to_array(t)
    for n in model.graph.node:
        x = [env[i] for i in n.input]
        att = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "MatMul":
            y = np.matmul(x[0], x[1])
        elif n.op_type == "Add":
            y = x[0] + x[1]
        elif n.op_type == "Mul":
            y = x[0] * x[1]
        elif n.op_type == "Cast":
            y = x[0].astype(NP[att["to"]])
        elif n.op_type == "Constant":
            y = numpy_helper.to_array(att["value"])
        elif n.op_type == "Reshape":
            y = x[0].reshape(x[1])
        else:
            raise NotImplementedError(n.op_type)
        if n.op_type not in ("Cast", "Constant"):
            # ONNX type rule: both operands of float math have one dtype.
            assert all(v.dtype == x[0].dtype for v in x[:2] if n.op_type != "Reshape"), (n.op_type, [v.dtype for v in x])
        env[n.output[0]] = y
    return [env[o.name] for o in model.graph.output]


def tiny_model(rng, k=32):
    """y = (x @ W + b) * s + c, W/b initializers, c a Constant node, s a scalar, shape an int64."""
    w = rng.standard_normal((k, 16)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    c = rng.standard_normal((1, 16)).astype(np.float32) * 3
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["h"]),
        helper.make_node("Add", ["h", "W_row"], ["h2"]),  # a second consumer of a converted weight
        helper.make_node("Mul", ["h2", "s"], ["hs"]),
        helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(c, "c")),
        helper.make_node("Add", ["hs", "c"], ["hc"]),
        helper.make_node("Reshape", ["hc", "shape"], ["y"]),
    ]
    inits = [
        numpy_helper.from_array(w, "W"),
        numpy_helper.from_array(b, "b"),
        numpy_helper.from_array(b * 0.5, "W_row"),
        numpy_helper.from_array(np.array(0.7, np.float32), "s"),
        numpy_helper.from_array(np.array([-1, 16], np.int64), "shape"),
    ]
    g = helper.make_graph(
        nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 16])], inits,
    )
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(m)
    return m


@unittest.skipIf(onnx is None, "onnx is not installed")
class Fp16Test(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(0)
        self.m32 = tiny_model(rng)
        self.m16 = onnx.ModelProto()
        self.m16.CopyFrom(self.m32)
        self.stats = convert_model(self.m16, min_elements=2)
        self.x = rng.standard_normal((4, 32)).astype(np.float32)

    def inits(self, m):
        return {t.name: t for t in m.graph.initializer}

    def test_weights_are_float16_with_one_cast_each(self):
        inits = self.inits(self.m16)
        fp16 = {n for n, t in inits.items() if t.data_type == TensorProto.FLOAT16}
        self.assertEqual(fp16, {"W__fp16", "b__fp16", "W_row__fp16"})
        casts = [n for n in self.m16.graph.node if n.op_type == "Cast"]
        self.assertEqual(len(casts), 4)  # three initializers + the Constant
        for n in casts:
            self.assertEqual(helper.get_attribute_value(n.attribute[0]), TensorProto.FLOAT)
        by_input = {n.input[0]: n.output[0] for n in casts}
        self.assertEqual(by_input, {"W__fp16": "W", "b__fp16": "b", "W_row__fp16": "W_row", "c__fp16": "c"})
        # Consumers still read the original (now float32 Cast output) names: nothing rewired twice.
        self.assertEqual([n.input for n in self.m16.graph.node if n.op_type == "MatMul"][0], ["x", "W"])
        const = [n for n in self.m16.graph.node if n.op_type == "Constant"][0]
        self.assertEqual(const.attribute[0].t.data_type, TensorProto.FLOAT16)
        self.assertEqual(self.stats["initializers"], 3)
        self.assertEqual(self.stats["constants"], 1)

    def test_scalars_and_integers_stay(self):
        inits = self.inits(self.m16)
        self.assertEqual(inits["s"].data_type, TensorProto.FLOAT)  # below min_elements
        self.assertEqual(inits["shape"].data_type, TensorProto.INT64)
        self.assertEqual(self.stats["kept_fp32"], 1)

    def test_interface_stays_float32_and_checker_passes(self):
        onnx.checker.check_model(self.m16)
        g = self.m16.graph
        self.assertEqual([(i.name, i.type.tensor_type.elem_type) for i in g.input], [("x", TensorProto.FLOAT)])
        self.assertEqual([(o.name, o.type.tensor_type.elem_type) for o in g.output], [("y", TensorProto.FLOAT)])
        inferred = onnx.shape_inference.infer_shapes(self.m16, strict_mode=True)
        types = {v.name: v.type.tensor_type.elem_type for v in inferred.graph.value_info}
        for name in ("xw", "h", "h2", "hs", "hc", "W", "b", "c"):
            self.assertEqual(types[name], TensorProto.FLOAT, name)

    def test_numerics_within_fp16_rounding(self):
        (y32,) = evaluate(self.m32, {"x": self.x})
        (y16,) = evaluate(self.m16, {"x": self.x})
        self.assertEqual(y16.dtype, np.float32)
        # Expected: the fp32 graph evaluated on the fp16-rounded weights (the compute is fp32).
        ref = onnx.ModelProto()
        ref.CopyFrom(self.m32)
        for t in ref.graph.initializer:
            if t.name in ("W", "b", "W_row"):
                t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16).astype(np.float32), t.name))
        for n in ref.graph.node:
            if n.op_type == "Constant":
                a = numpy_helper.to_array(n.attribute[0].t)
                n.attribute[0].t.CopyFrom(numpy_helper.from_array(a.astype(np.float16).astype(np.float32), "c"))
        (yr,) = evaluate(ref, {"x": self.x})
        np.testing.assert_allclose(y16, yr, rtol=1e-6, atol=1e-6)
        # And against the fp32 graph: within the weights' rounding (2^-11 relative each).
        bound = 2.0 ** -11 * (np.abs(self.x) @ np.abs(numpy_helper.to_array(self.inits(self.m32)["W"])) + 10) * 1.5
        self.assertTrue(np.all(np.abs(y16 - y32) <= bound), float(np.max(np.abs(y16 - y32))))
        self.assertGreater(float(np.max(np.abs(y16 - y32))), 0)  # the weights really were rounded

    def test_values_float16_cannot_hold_stay_float32(self):
        big = numpy_helper.from_array(np.full((4, 4), -3.4e38, np.float32), "mask")
        tiny = numpy_helper.from_array(np.full((4, 4), 1e-12, np.float32), "eps")
        inf = numpy_helper.from_array(np.full((4, 4), -np.inf, np.float32), "neg_inf")
        g = helper.make_graph(
            [helper.make_node("Add", ["x", "mask"], ["a"]), helper.make_node("Add", ["a", "eps"], ["b"]),
             helper.make_node("Add", ["b", "neg_inf"], ["y"])],
            "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 4])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 4])], [big, tiny, inf],
        )
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
        s = convert_model(m, min_elements=1)
        types = {t.name: t.data_type for t in m.graph.initializer}
        self.assertEqual(types, {"mask": TensorProto.FLOAT, "eps": TensorProto.FLOAT, "neg_inf__fp16": TensorProto.FLOAT16})
        self.assertEqual((s["initializers"], s["kept_fp32"]), (1, 2))

    def test_a_stray_tiny_weight_is_only_rounding(self):
        w = np.full((8, 8), 0.05, np.float32)
        w[0, 0] = 1e-9  # flushes to zero in fp16: an error far below the rounding of 0.05
        g = helper.make_graph(
            [helper.make_node("MatMul", ["x", "W"], ["y"])],
            "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 8])], [numpy_helper.from_array(w, "W")],
        )
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
        s = convert_model(m)
        self.assertEqual(s["initializers"], 1)
        self.assertEqual(m.graph.initializer[0].data_type, TensorProto.FLOAT16)

    def test_resize_scales_stay_float32(self):
        scales = numpy_helper.from_array(np.ones(16, np.float32), "scales")  # (a 16-d scales vector: size is no excuse)
        g = helper.make_graph(
            [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="nearest")],
            "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1] * 16)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1] * 16)], [scales],
        )
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
        s = convert_model(m, min_elements=1)
        self.assertEqual(m.graph.initializer[0].data_type, TensorProto.FLOAT)
        self.assertEqual(s["initializers"], 0)

    def test_file_halves(self):
        rng = np.random.default_rng(1)
        d = tempfile.mkdtemp()
        path = os.path.join(d, "m.onnx")
        onnx.save(tiny_model(rng, k=1024), path)
        before = os.path.getsize(path)
        convert_file(path)
        after = os.path.getsize(path)
        self.assertLess(after, before * 0.6)
        onnx.checker.check_model(path)


if __name__ == "__main__":
    unittest.main()
