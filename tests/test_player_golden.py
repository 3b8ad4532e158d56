"""Python's half of the player's golden fixture (``tests/fixtures/player_golden.py``): the committed file is what
the engine computes now, and a rule changed in Python reaches the player (Node runs the player's tests against a
fixture made with the changed rule)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from layers.model import style
from layers.render import payload as payload_module
from tests.conftest import ROOT
from tests.fixtures import player_golden


def test_the_committed_fixture_is_what_the_engine_selects_now() -> None:
    committed = json.loads(player_golden.FIXTURE.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(player_golden.golden())), \
        "the engine's answers changed: rerun python -m tests.fixtures.player_golden and review the diff"


def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("node is missing: make test installs Debian's nodejs")
        pytest.skip("node is not installed")
    return found


def run_player_tests(fixture: Path) -> subprocess.CompletedProcess:
    return subprocess.run([node(), "--test", str(ROOT / "tests" / "js")], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "CORRIDOR_GOLDEN": str(fixture)}, timeout=120)


def test_a_rule_changed_in_python_is_followed_by_the_player(tmp_path: Path, monkeypatch) -> None:
    changed = ("strike_target", *[k for k in style.LABEL_KIND_ORDER if k != "strike_target"])
    monkeypatch.setattr(style, "LABEL_KIND_ORDER", changed)
    monkeypatch.setattr(payload_module, "LABEL_KIND_ORDER", changed)
    monkeypatch.setattr(payload_module, "DIMMED_ALPHA", 0.5)
    fixture = tmp_path / "golden.json"
    player_golden.write(fixture)
    data = json.loads(fixture.read_text())
    assert data["style"]["label_kinds"][0] == "strike_target" and data["style"]["dim"] == 0.5
    committed = json.loads(player_golden.FIXTURE.read_text())
    assert data["label_order"]["expected"] != committed["label_order"]["expected"], "the change must matter"
    done = run_player_tests(fixture)
    assert done.returncode == 0, done.stdout[-3000:]
    broken = {**data, "label_order": {**data["label_order"], "expected": committed["label_order"]["expected"]}}
    fixture.write_text(json.dumps(broken))
    assert run_player_tests(fixture).returncode != 0, "the player's test must fail on the old order"
