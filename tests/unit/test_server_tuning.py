"""The server process's own settings: the garbage collector's thresholds."""

from __future__ import annotations

import json
import subprocess
import sys

from workshops import server


def test_tune_gc_freezes_start_up_objects_and_raises_the_thresholds():
    # In a child process: freezing the test runner's own heap would change every later test.
    code = (
        "import gc, json; from workshops.server import tune_gc; import workshops.app; "
        "before = gc.get_freeze_count(); tune_gc(); "
        "print(json.dumps([before, gc.get_freeze_count(), gc.get_threshold()]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after, thresholds = json.loads(out)
    assert before == 0 and after > 10_000  # the app's modules, pydantic models and the rest
    assert tuple(thresholds) == server.GC_THRESHOLDS
    assert server.GC_THRESHOLDS[0] > 700  # less often than CPython's default
