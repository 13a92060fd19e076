"""Chinese Windows sends redirected output through cp936 (GBK): every command still works.

Issue 19: ``PYTHONIOENCODING=cp936 python app.py query 118.47 24.60 --json > out.json``
failed with UnicodeEncodeError on '³'; ``screen`` on '²' (m²).  Now every command of the
command line, run with PYTHONIOENCODING=cp936 and its output redirected to files, gives the
same exit code as without, JSON that parses as UTF-8, text that is UTF-8 and the same as
without, and never "unexpected error".
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = "118.50,24.70; 118.52,24.70; 118.52,24.72; 118.50,24.72"
VOLATILE = [re.compile(p) for p in (
    r"\d{4}-\d{2}-\d{2}[T ][\d:.+-]+", r'"[a-z_]*_ms": [\d.]+', r'"peak_memory_mb": [\d.]+',
    r'"batch": "[0-9a-f]+"', r'"render_runs_ms": \[[^\]]*\]', r'"[a-z_]*time_s": [\d.]+')]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    env.update(QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8", LC_ALL="C.UTF-8", **extra)
    return env


def _start(tmp_path: Path, name: str, **env: str) -> tuple[subprocess.Popen[str], Path]:
    """The ~80 redirected runs of ``tests.cli.redirected_runs`` in a process of their own
    (each set in its own temporary folder and user data: two sets may run at once)."""
    out = tmp_path / f"{name}.json"
    proc = subprocess.Popen([sys.executable, "-m", "tests.cli.redirected_runs", str(out)],
                            cwd=ROOT, env=_env(**env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return proc, out


def _results(started: tuple[subprocess.Popen[str], Path]) -> dict[str, dict[str, object]]:
    proc, out = started
    try:
        _, err = proc.communicate(timeout=900)
    finally:
        proc.kill()
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def _steady(text: str) -> str:
    for pattern in VOLATILE:
        text = pattern.sub("<V>", text)
    return text


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict, dict]:
    tmp = tmp_path_factory.mktemp("gbk")
    # both sets at once: ~55 s one after the other, mostly each process's own start-ups
    plain = _start(tmp, "utf8")
    gbk = _start(tmp, "cp936", PYTHONIOENCODING="cp936")
    return _results(plain), _results(gbk)


def test_every_command_redirected_under_cp936_behaves_as_without(both):
    plain, gbk = both
    assert gbk.pop("_startup")["encoding"] == "gbk"  # the setting Chinese Windows gives
    plain.pop("_startup")
    assert len(gbk) >= 80 and set(gbk) == set(plain)
    commands = {case["argv"][0] for case in gbk.values()}
    assert "--help" in commands
    from cli.main import build_parser

    offered = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert set(offered) <= commands, f"no redirected case for {set(offered) - commands}"
    for name, got in gbk.items():
        want = plain[name]
        assert got["exit"] == want["exit"], (name, got["stderr"])
        assert "unexpected error" not in got["stderr"], (name, got["stderr"])
        assert "Traceback" not in got["stderr"], name
        assert got["stdout_utf8"] is not None, f"{name}: stdout is not UTF-8"
        assert _steady(got["stdout_utf8"]) == _steady(want["stdout_utf8"]), name
        assert got["stderr"] == want["stderr"], name
        if "--json" in got["argv"] and got["exit"] == 0:
            json.loads(got["stdout_utf8"])


def test_outputs_hold_characters_outside_gbk(both):
    _plain, gbk = both
    assert "m²" in gbk["screen.text.zh"]["stdout_utf8"]
    note = json.loads(gbk["outfalls.set.json"]["stdout_utf8"])
    assert note["saved"] and note["user"] == "张 三"
    if "import.real" in gbk:  # run only where the shared corpus lies beside the clone
        out = gbk["import.real"]["stdout_utf8"]
        assert "✗" in out or "!" in out


@pytest.mark.parametrize("argv", [
    ["query", "118.47", "24.60", "--json"],
    ["screen", SITE],
    ["info"],
])
def test_real_process_with_gbk_stdout_redirected_to_a_file(tmp_path, argv):
    # the start-up path itself: Python builds a GBK stdout, the program switches it to UTF-8
    out = tmp_path / "out.txt"
    with open(out, "wb") as fh:
        res = subprocess.run([sys.executable, str(ROOT / "app.py"), *argv], cwd=ROOT,
                             stdout=fh, stderr=subprocess.PIPE, timeout=120,
                             env=_env(PYTHONIOENCODING="cp936", ECOZONE_HOME=str(tmp_path)))
    assert res.returncode == 0, res.stderr.decode("utf-8", "replace")
    text = out.read_bytes().decode("utf-8")
    if "--json" in argv:
        assert json.loads(text)["county"]["name_zh"] == "晋江市"
    elif argv[0] == "screen":
        assert "m²" in text and "选址面积" in text
    else:
        assert "控制单元" in text or "管控单元" in text
