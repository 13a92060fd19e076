"""The command line prints the same as before the move into ``cli/`` (issue 12 item 6).

``golden/outputs.json`` was recorded by ``tests/cli/record_outputs.py`` from the code before
the move (see the commit that added it).  Every case -- info, query inside and outside the
city and with bad input, outfalls check on a copy, import --dry-run of a corpus file, screen,
export of a layer and of the web map, in Chinese and English, text and --json -- must give
the same exit code, stdout and stderr now, apart from masked temporary paths and clock times.

To re-record after an intended change of output:
``python -m tests.cli.record_outputs tests/cli/golden/outputs.json`` (and say why in the commit).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden") / "outputs.json"


@pytest.fixture(scope="module")
def now(tmp_path_factory) -> dict[str, dict[str, object]]:
    out = tmp_path_factory.mktemp("cli_now") / "outputs.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    res = subprocess.run([sys.executable, "-m", "tests.cli.record_outputs", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_recorded_case_prints_the_same(now):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(golden) >= 60
    compared = 0
    for name, want in golden.items():
        if name not in now:  # the corpus file is not on this machine
            assert "{csv}" in want["argv"], f"{name}: case no longer run"
            continue
        got = now[name]
        assert got["exit"] == want["exit"], (name, got)
        for key in sorted(set(want) | set(got)):
            if key != "argv":
                assert got.get(key) == want.get(key), f"{name}: {key} differs"
        compared += 1
    assert compared >= 50


def test_golden_covers_both_languages_errors_and_json():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert {g["exit"] for g in golden.values()} == {0, 2}
    assert any(n.endswith(".en") for n in golden) and any(n.endswith(".zh") for n in golden)
    assert sum("--json" in g["argv"] for g in golden.values()) >= 8
    # an error is one line on stderr and nothing on stdout
    for name, g in golden.items():
        if g["exit"] == 2:
            assert g["stderr"].count("\n") == 1, name
