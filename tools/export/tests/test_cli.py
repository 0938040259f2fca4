"""export_sam2.py's argument checks, which run before torch is imported."""
import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import export_sam2  # noqa: E402


class CliTest(unittest.TestCase):
    def run_cli(self, argv):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                code = export_sam2.main(argv)
            except SystemExit as e:
                code = e.code
        return code, err.getvalue()

    def test_needs_a_source(self):
        code, err = self.run_cli(["--model", "sam2.1-tiny", "--out", "x"])
        self.assertEqual(code, 2)
        self.assertIn("--checkpoint", err)

    def test_checkpoint_and_random_init_exclude_each_other(self):
        code, err = self.run_cli(["--model", "sam2.1-tiny", "--checkpoint", "a.pt", "--random-init", "--out", "x"])
        self.assertEqual(code, 2)
        self.assertIn("not allowed with", err)

    def test_bad_sha256(self):
        code, err = self.run_cli(["--model", "sam2.1-tiny", "--checkpoint", "a.pt", "--sha256", "abc", "--out", "x"])
        self.assertEqual(code, 2)
        self.assertIn("64 hex digits", err)

    def test_missing_checkpoint_and_unknown_model_fail_before_torch(self):
        code, err = self.run_cli(["--model", "sam2.1-tiny", "--checkpoint", "/nonexistent.pt", "--out", "x"])
        self.assertEqual((code, err.strip()), (2, "error: /nonexistent.pt: no such file"))
        code, err = self.run_cli(["--model", "nope", "--random-init", "--out", "x"])
        self.assertEqual(code, 2)
        self.assertIn("unknown model 'nope'", err)

    def test_wrong_medical_sam2_file_is_refused_by_hash(self):
        fd, path = tempfile.mkstemp(suffix=".pth")
        os.write(fd, b"x")
        os.close(fd)
        try:
            code, err = self.run_cli(["--model", "medical-sam2", "--checkpoint", path, "--out", "x"])
        finally:
            os.unlink(path)
        self.assertEqual(code, 2)
        self.assertIn("059572b072eff2e41975bf85b0dcca96bc58889db60a89e9f5b1f075236735d7", err)

    def test_skip_export_needs_trace(self):
        code, err = self.run_cli(["--model", "sam2.1-tiny", "--random-init", "--out", "x", "--skip-export"])
        self.assertEqual(code, 2)
        self.assertIn("--skip-export needs --trace", err)

    def test_trace_script_and_pick_seed_checks(self):
        code, err = self.run_cli(["--model", "sam2.1-tiny", "--random-init", "--out", "x", "--trace", "t", "--trace-script", "a.json", "--trace-prompts", "b.json"])
        self.assertEqual(code, 2)
        self.assertIn("one or the other", err)
        for extra in (["--pick-seed", "4"], ["--pick-seed", "0", "--trace", "t"]):
            code, err = self.run_cli(["--model", "sam2.1-tiny", "--random-init", "--out", "x", *extra])
            self.assertEqual(code, 2)
            self.assertIn("--pick-seed N needs --random-init, --trace and N >= 1", err)
        code, err = self.run_cli(["--model", "sam2.1-tiny", "--checkpoint", "a.pt", "--out", "x", "--trace", "t", "--pick-seed", "3"])
        self.assertEqual(code, 2)
        self.assertIn("--pick-seed N needs --random-init", err)


if __name__ == "__main__":
    unittest.main()
