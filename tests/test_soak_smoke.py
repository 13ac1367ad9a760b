"""A short run of the load soak in CI (the 60 s run is `make soak`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_mixed_load_has_no_errors_and_healthz_stays_fast() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "load_soak.py"), "--seconds", "8",
                           "--concurrency", "16"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "errors: 0" in proc.stdout
    p99 = float(proc.stdout.split("/healthz")[1].split("p99=")[1].split("ms")[0])
    assert p99 < 500, proc.stdout
