"""Robustness: random valid inputs over whole runs, fuzzed files, failing outputs (issue #9).

Sizes are modest by default; ``SIBERIA_ROBUSTNESS_SCALE=N`` multiplies the number of examples
(e.g. ``SIBERIA_ROBUSTNESS_SCALE=20 make test``)."""

import os

SCALE = max(1, int(os.environ.get("SIBERIA_ROBUSTNESS_SCALE", "1")))
