"""``--workspace`` is one option everywhere; ``--into`` (import's old spelling) still works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ECOZONE_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_import_takes_workspace_into_and_the_top_level_option(tmp_path, bundled_path):
    ws = tmp_path / "ws.gpkg"
    shutil.copyfile(bundled_path, ws)
    src = tmp_path / "点位.csv"
    src.write_text("名称,经度,纬度\n甲,118.6,24.9\n乙,118.7,24.95\n", encoding="utf-8")
    spellings = (["import", str(src), "--workspace", str(ws)],
                 ["import", str(src), "--into", str(ws)],
                 ["--workspace", str(ws), "import", str(src)])
    for argv in spellings:
        res = _run(*argv, "--as", "samples", "--dry-run", "--json", home=tmp_path / "home")
        assert res.returncode == 0, (argv, res.stderr)
        assert json.loads(res.stdout)["imported"] == 2


def test_import_without_a_workspace_is_one_line_exit_2(tmp_path):
    res = _run("import", str(tmp_path / "x.csv"), "--lang", "en", home=tmp_path)
    assert res.returncode == 2
    assert res.stderr == "error: give the workspace to import into with --workspace (or --into)\n"
    res = _run("import", str(tmp_path / "x.csv"), home=tmp_path)
    assert res.returncode == 2 and "--workspace" in res.stderr and "工作空间" in res.stderr


def test_registration_is_one_list():
    from cli.main import COMMANDS, build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    # the commands of the move first, in their old order; later commands follow
    assert list(sub.choices)[:8] == ["info", "query", "screenshot", "render", "import",
                                     "export", "outfalls", "screen"]
    assert all(hasattr(m, "add_parser") for m in COMMANDS)
    assert all(p.get_default("func") is not None for p in sub.choices.values())
