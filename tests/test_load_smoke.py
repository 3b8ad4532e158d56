"""The load test (benchmarks/load_test.py) still runs: 2 sessions for 5 s against its own server on 127.0.0.1.

It is a benchmark, not a pass/fail test of speed; this only keeps it from rotting: it starts, every action
works with no error, it prints its figures and stops its server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.load


def test_the_load_test_runs_briefly_without_errors() -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--sessions", "2", "--duration", "5",
               "--think", "0.3", "--session-ttl", "1", "--settle", "1", "--json", "--allow-busy"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert figures["errors"] == 0 and figures["server_alive"]
    assert figures["warmup_actions"] == 5  # open, move the time, filter, move the time, export a PNG: each worked
    assert figures["actions"]["open"]["count"] == 2
    assert all(figures["actions"][a]["count"] >= 1 for a in ("time", "filter")), figures["actions"]
    assert figures["rss_mb"][0]["peak_during"] > 50
    if shutil.which("pgrep"):
        port = figures["log"].rsplit("-", 1)[1].split(".")[0]
        running = subprocess.run(["pgrep", "-f", "--", f"server.port {port} "], capture_output=True)
        assert running.returncode == 1, "the server it started is stopped"


def test_the_load_models_run_briefly_without_errors() -> None:
    """Model B (everyone presses Export) and model A (a room), tiny: 3 sessions, every export through the queue."""
    for model, extra in (("B", ["--window", "2"]), ("A", ["--arrive", "1", "--duration", "20"])):
        command = [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--model", model, "--sessions", "3",
                   "--duration", "20", "--session-ttl", "1", "--settle", "1", "--json", "--allow-busy", *extra]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        figures = json.loads(done.stdout)
        assert figures["errors"] == 0 and figures["model"] == model, figures
        assert figures["actions"]["export"]["count"] >= 3, figures["actions"]
        assert figures["queue"]["requests"] >= 3, figures["queue"]
        if model == "B":  # the same view three times: rendered once, the rest joined or cached
            assert figures["queue"]["rendered"] == 1 and len(figures["all_files_s"]) == 1, figures
