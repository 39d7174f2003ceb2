"""The shared acceptance scenario, run through the real command exactly as users and CI run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .conftest import ACCEPTANCE, ACCEPTANCE_RUNNER, need


def test_acceptance_scenario_passes_every_case(tmp_path):
    runner = ACCEPTANCE_RUNNER
    need(runner.exists(), f"the shared acceptance scenario is not at {runner}")
    dg = shutil.which("dutygraph")
    need(dg is not None, "the dutygraph command is not on PATH (pip install -e .)")
    env = {k: v for k, v in os.environ.items() if k != "STORE"}
    proc = subprocess.run(
        [sys.executable, str(runner), str(ACCEPTANCE)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, "DG": dg, "TMPDIR": str(tmp_path)},
    )
    last = proc.stdout.strip().splitlines()[-1]
    passed, total = map(int, last.split()[0].split("/"))
    assert proc.returncode == 0 and passed == total, proc.stdout
