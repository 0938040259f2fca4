"""The trace script's checks (no PyTorch): every bad step is named, good scripts pass as they are."""
import json
import os
import unittest

from slicesam_export.trace import check_steps, default_steps, prompt_kwargs

TRACES = os.path.join(os.path.dirname(__file__), "..", "traces")


class TraceScript(unittest.TestCase):
    def test_committed_scripts_are_valid(self):
        for name, n in (("long-60.json", 60), ("bugs-40.json", 40), ("short-8.json", 8)):
            with open(os.path.join(TRACES, name)) as f:
                steps = check_steps(json.load(f), n)
            self.assertTrue(any("propagate" in s for s in steps), name)

    def test_bad_steps_are_named(self):
        box = {"x0": 1, "y0": 1, "x1": 5, "y1": 5}
        cases = [
            ([], "non-empty list"),
            ([{"propagate": {"direction": "forward", "from": 0}}], "step 0: a propagation before any prompt"),
            ([{"prompt": {"object": 1, "slice": 9, "box": box}}], "step 0: a prompt needs an integer object and a slice in 0..7"),
            ([{"prompt": {"object": 1, "slice": 2}}], "step 0: a prompt needs a box or points"),
            ([{"prompt": {"object": 1, "slice": 2, "box": box}}, {"propagate": {"direction": "sideways", "from": 0}}], "step 1: a propagation needs"),
            ([{"prompt": {"object": 1, "slice": 2, "box": box}, "propagate": {}}], "step 0: expected"),
        ]
        for steps, message in cases:
            with self.assertRaises(ValueError) as e:
                check_steps(steps, 8)
            self.assertIn(message, str(e.exception))

    def test_default_steps_and_prompt_arguments(self):
        steps = default_steps([{"object": 1, "slice": 4, "box": {"x0": 1, "y0": 2, "x1": 3, "y1": 4}},
                               {"object": 2, "slice": 2, "points": [{"x": 5, "y": 6, "positive": False}]}])
        self.assertEqual([next(iter(s)) for s in steps], ["prompt", "prompt", "propagate", "propagate"])
        self.assertEqual(steps[2]["propagate"], {"direction": "forward", "from": 2})
        self.assertEqual(steps[3]["propagate"], {"direction": "reverse", "from": 2})
        self.assertEqual(prompt_kwargs(steps[0]["prompt"]), {"box": [1, 2, 3, 4]})
        self.assertEqual(prompt_kwargs(steps[1]["prompt"]), {"points": [[5, 6]], "labels": [0]})


if __name__ == "__main__":
    unittest.main()
