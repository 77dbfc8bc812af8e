"""Installing the package enables the server extension and the labextension (no manual step)."""

from __future__ import annotations

import re
import subprocess
import sys


def _jupyter(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, timeout=120
    )
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # drop colours


def test_server_extension_is_enabled_and_valid():
    listing = _jupyter("server", "extension", "list")
    assert re.search(r"jupyter_mlm\s+enabled", listing), listing
    assert re.search(r"jupyter_mlm [0-9.]+\s+OK", listing), listing


def test_labextension_is_enabled_and_ok():
    listing = _jupyter("labextension", "list")
    assert re.search(r"jupyter-mlm v[0-9.]+\s+enabled\s+OK", listing), listing
