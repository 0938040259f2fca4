"""The exporter's logic that needs no PyTorch: presets, overrides, sha256, state-dict checks."""
import hashlib
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from slicesam_export import presets  # noqa: E402
from slicesam_export.presets import ExportError  # noqa: E402


class ResolveTest(unittest.TestCase):
    def test_every_family_and_size(self):
        for v, folder in (("2.0", "sam2"), ("2.1", "sam2.1")):
            for size, short in (("tiny", "t"), ("small", "s"), ("base-plus", "b+"), ("large", "l")):
                p, s = presets.resolve(f"sam{v}-{size}", None, "fp32")
                prefix = "sam2" if v == "2.0" else "sam2.1"
                self.assertEqual(p.config, f"configs/{folder}/{prefix}_hiera_{short}.yaml")
                self.assertEqual((p.version, s), (v, 1024))

    def test_medical_presets(self):
        p, s = presets.resolve("medical-sam2", None, "fp16")
        self.assertEqual((p.version, s, p.config), ("2.0", 1024, "configs/sam2/sam2_hiera_t.yaml"))
        self.assertEqual(p.sha256, "059572b072eff2e41975bf85b0dcca96bc58889db60a89e9f5b1f075236735d7")
        p, s = presets.resolve("medsam2", None, "fp32")
        self.assertEqual((p.version, s), ("2.1", 512))
        self.assertEqual(presets.resolve("medsam2", 1024, "fp32")[1], 1024)

    def test_bad_arguments_name_the_choices(self):
        with self.assertRaisesRegex(ExportError, "unknown model 'sam3'.*sam2.1-tiny"):
            presets.resolve("sam3", None, "fp32")
        with self.assertRaisesRegex(ExportError, "1024 or 512"):
            presets.resolve("sam2.1-tiny", 768, "fp32")
        with self.assertRaisesRegex(ExportError, "fp32 or fp16"):
            presets.resolve("sam2.1-tiny", None, "int8")


class OverridesTest(unittest.TestCase):
    def cfg(self):
        att = {"feat_sizes": [64, 64]}
        return {"model": {"image_size": 1024, "memory_attention": {"layer": {"self_attention": dict(att), "cross_attention": dict(att)}}}}

    def test_video_predictor_overrides_and_size(self):
        c = presets.apply_overrides(self.cfg(), 512)
        m = c["model"]
        self.assertEqual(m["_target_"], "sam2.sam2_video_predictor.SAM2VideoPredictor")
        self.assertIs(m["binarize_mask_from_pts_for_mem_enc"], True)
        self.assertEqual(m["fill_hole_area"], 8)
        self.assertEqual(m["sam_mask_decoder_extra_args"]["dynamic_multimask_stability_thresh"], 0.98)
        self.assertEqual(m["image_size"], 512)
        self.assertEqual(m["memory_attention"]["layer"]["cross_attention"]["feat_sizes"], [32, 32])

    def test_set_dotted_creates_levels_and_replaces_leaves(self):
        c = {"a": {"b": 1}}
        presets.set_dotted(c, "a.c.d", 2)
        presets.set_dotted(c, "a.b", 3)
        self.assertEqual(c, {"a": {"b": 3, "c": {"d": 2}}})


class Sha256Test(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp()
        os.write(fd, b"not a checkpoint")
        os.close(fd)
        self.digest = hashlib.sha256(b"not a checkpoint").hexdigest()

    def tearDown(self):
        os.unlink(self.path)

    def test_known_hash_mismatch_fails(self):
        with self.assertRaisesRegex(ExportError, "differs from the published MedSAM2_pretrain.pth"):
            presets.check_sha256(self.path, presets.PRESETS["medical-sam2"], None)

    def test_given_hash(self):
        self.assertEqual(presets.check_sha256(self.path, presets.PRESETS["sam2.1-tiny"], self.digest.upper()), self.digest)
        with self.assertRaisesRegex(ExportError, "differs from --sha256"):
            presets.check_sha256(self.path, presets.PRESETS["sam2.1-tiny"], "0" * 64)

    def test_unknown_hash_passes_and_reports(self):
        self.assertEqual(presets.check_sha256(self.path, presets.PRESETS["sam2.0-large"], None), self.digest)


class StateDictTest(unittest.TestCase):
    def test_fits(self):
        presets.check_state_dict({"a": (2, 3)}, {"a": (2, 3)}, "x.yaml")

    def test_names_missing_unexpected_and_shapes(self):
        with self.assertRaises(ExportError) as e:
            presets.check_state_dict({"a": (2, 3), "b": (1,), "c": (4,)}, {"a": (3, 3), "c": (4,), "z": (1,)}, "sam2_hiera_t.yaml")
        msg = str(e.exception)
        self.assertIn("does not fit sam2_hiera_t.yaml", msg)
        self.assertIn("1 missing: b", msg)
        self.assertIn("1 unexpected: z", msg)
        self.assertIn("a: checkpoint [3, 3], model [2, 3]", msg)


if __name__ == "__main__":
    unittest.main()
