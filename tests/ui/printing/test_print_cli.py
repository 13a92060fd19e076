"""``python app.py print`` and ``atlas`` as a script uses them: exit codes, JSON, one-line
errors in the user's language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.ui.printing.conftest import pdf_pages, pdf_text

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, ECOZONE_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)


def test_print_pdf_json(tmp_path):
    out = tmp_path / "a3.pdf"
    res = run("print", "--out", str(out), "--paper", "A3", "--orientation", "landscape",
              "--dpi", "300", "--bbox", "118.4,24.6,118.8,24.95", "--title", "晋江市",
              "--json", home=tmp_path)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["pages"] == 1 and info["out"] == str(out) and info["time_s"] > 0
    assert info["page_mm"] == [420.0, 297.0]
    assert "晋江市" in pdf_text(out)


def test_print_tif_in_english_and_saved_layout_reused(tmp_path):
    out = tmp_path / "map.tif"
    res = run("print", "--out", str(out), "--dpi", "100", "--title", "Quanzhou", "--lang",
              "en", "--save-layout", "overview", "--json", home=tmp_path)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["saved_layout"] == "overview"
    again = run("print", "--out", str(tmp_path / "again.pdf"), "--layout", "overview",
                home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Quanzhou" in pdf_text(tmp_path / "again.pdf")


def test_atlas_json_pages_out_time(tmp_path):
    out = tmp_path / "atlas.pdf"
    res = run("atlas", "--by", "unit", "--filter", "county_code=350582 and unit_class=2",
              "--out", str(out), "--paper", "A4", "--json", home=tmp_path)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["pages"] == pdf_pages(out) == info["features"] + 2
    assert info["out"] == str(out) and info["time_s"] > 0


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    cases = [
        (("atlas", "--by", "unit", "--filter", "colour=red", "--out", str(tmp_path / "a.pdf")),
         "colour"),
        (("atlas", "--by", "unit", "--filter", "code=none", "--out", str(tmp_path / "a.pdf"),
          "--lang", "en"), "selects no feature"),
        (("print", "--out", str(tmp_path / "a.jpg"), "--lang", "en"), ".pdf, .png or .tif"),
        (("print", "--out", str(tmp_path / "a.pdf"), "--bbox", "1,2,3"), "x0,y0,x1,y1"),
        (("print", "--out", str(tmp_path / "a.pdf"), "--layout", "nope", "--lang", "en"),
         "no print layout named 'nope'"),
        (("print", "--out", str(tmp_path / "a.pdf"), "--feature", "control_units:ZH0",
          "--lang", "en"), "no feature 'ZH0'"),
    ]
    for args, needle in cases:
        res = run(*args, home=tmp_path)
        assert res.returncode == 2, (args, res.stderr)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], (args, res.stderr)
    assert not any(p.suffix == ".part" for p in tmp_path.iterdir())
