"""manifest.json / constants.json as the engine's restoreManifest and parseConstants read them."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from slicesam_export import manifest as mf  # noqa: E402
from slicesam_export.presets import sha256_file  # noqa: E402


class ManifestTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        for i, key in enumerate(mf.FILE_KEYS):
            name = f"{key}.json" if key == "constants" else f"{key}.onnx"
            with open(os.path.join(self.dir, name), "wb") as f:
                f.write(bytes([i]) * (10 + i))

    def tearDown(self):
        for n in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, n))
        os.rmdir(self.dir)

    def test_dynamic_bank_files_sizes_and_hashes(self):
        m = mf.manifest(self.dir, "sam2.1-tiny-fp32-512-random", "T", "2.1", "fp32", 512, 7, 16, {"repository": "r"}, "n")
        self.assertEqual(m["bank"], {"layout": "dynamic", "memoryFrames": 7, "maxObjectPointers": 16})
        self.assertEqual(list(m["files"]), list(mf.FILE_KEYS))
        e = m["files"]["memory_attention"]
        self.assertEqual(e["url"], "models/sam2.1-tiny-fp32-512-random/memory_attention.onnx")
        self.assertEqual(e["bytes"], 10 + mf.FILE_KEYS.index("memory_attention"))
        self.assertEqual(e["sha256"], sha256_file(os.path.join(self.dir, "memory_attention.onnx")))
        self.assertEqual(m["files"]["constants"]["url"].rsplit("/", 1)[1], "constants.json")
        self.assertEqual((m["imageSize"], m["version"], m["status"]), (512, "2.1", "unverified"))

    def test_url_prefix_and_missing_file(self):
        m = mf.manifest(self.dir, "x", "T", "2.0", "fp16", 1024, 7, 16, None, "n", url_prefix="https://host/m/")
        self.assertEqual(m["files"]["pointer_tpos"]["url"], "https://host/m/pointer_tpos.onnx")
        self.assertNotIn("origin", m)
        os.unlink(os.path.join(self.dir, "pointer_tpos.onnx"))
        with self.assertRaisesRegex(FileNotFoundError, "pointer_tpos.onnx: missing"):
            mf.manifest(self.dir, "x", "T", "2.0", "fp32", 1024, 7, 16, None, "n")

    def test_ids(self):
        self.assertEqual(mf.model_id("sam2.1-base-plus", 1024, "fp16", False), "sam2.1-base-plus-fp16-1024")
        self.assertEqual(mf.model_id("medsam2", 512, "fp32", True), "medsam2-fp32-512-random")
        with self.assertRaises(ValueError):
            mf.model_id("Bad Id", 512, "fp32", False)

    def test_constants_table_and_keys(self):
        table = [[float(r * 64 + c) for c in range(64)] for r in range(7)]
        c = mf.constants(table, 1024, 7, 16, "m")
        self.assertEqual(c["memory_temporal_positional_encoding"], table)
        self.assertEqual((c["image_mean"], c["image_std"]), (mf.IMAGENET_MEAN, mf.IMAGENET_STD))
        with self.assertRaisesRegex(ValueError, "6 rows, num_maskmem is 7"):
            mf.constants(table[:6], 1024, 7, 16, "m")

    def test_write_json_is_atomic_and_parses(self):
        path = os.path.join(self.dir, "manifest.json")
        mf.write_json(path, {"a": [1, 2]})
        self.assertEqual(json.load(open(path)), {"a": [1, 2]})
        self.assertFalse(os.path.exists(path + ".tmp"))
        os.unlink(path)


if __name__ == "__main__":
    unittest.main()
