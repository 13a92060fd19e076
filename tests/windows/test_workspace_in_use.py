"""A second program holding the workspace gets a clear message, never a crash (issue 19).

QGIS editing a GeoPackage, or another EcoZone saving into it, holds SQLite locks; a
second EcoZone window holds the workspace lock file.  Every command then exits 2 with one
line that says the workspace is in use (an edit that cannot be saved waits in the recovery
journal and exits 1, as ``outfalls`` always has), never "unexpected error".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSV = "编码,名称,经度,纬度\nPWK350582H9101,测试排口（示例数据）,118.47,24.64\n"
SITE = "118.50,24.70; 118.52,24.70; 118.52,24.72; 118.50,24.72"

HOLDER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN " + sys.argv[2])
con.execute("update gpkg_contents set description = description")  # a write, as QGIS saving
print("holding", flush=True)
time.sleep(120)
"""


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ECOZONE_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=180)


@pytest.fixture
def held(tmp_path, bundled_path, request):
    ws = tmp_path / "工作 空间.gpkg"
    shutil.copyfile(bundled_path, ws)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws), request.param],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    yield ws
    proc.kill()
    proc.wait()


@pytest.mark.parametrize("held", ["EXCLUSIVE"], indirect=True)
def test_every_command_on_a_workspace_another_program_is_writing(held, tmp_path):
    src = tmp_path / "台账.csv"
    src.write_text(CSV, encoding="utf-8")
    cases = [["info"], ["query", "118.47", "24.60"], ["screen", SITE],
             ["import", str(src), "--as", "outfalls"],
             ["export", "--layer", "counties", "--out", str(tmp_path / "c.geojson")],
             ["export", "--out", str(tmp_path / "m.html")],
             ["outfalls", "check"], ["outfalls", "set", "PWK350503H0001", "--note", "x"]]
    langs = [(("zh", "正被其他程序占用"), ("en", "in use by another program"))[i % 2]
             for i in range(len(cases))]  # both languages, alternately

    def one(i: int) -> subprocess.CompletedProcess[str]:
        return run(*cases[i], "--workspace", str(held), "--lang", langs[i][0],
                   home=tmp_path / f"home{i}")  # (its own log and settings)

    # each waits out the busy timeout (~7 s a command): the readers at once, and the two
    # writers (import, outfalls set) one after the other, beside them — two writers at once
    # would find each other's workspace lock, not the other program
    writers = [i for i, argv in enumerate(cases) if argv[0] in ("import", "outfalls")
               and argv[1] != "check"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        written = pool.submit(lambda: [one(i) for i in writers])
        read = {i: pool.submit(one, i) for i in range(len(cases)) if i not in writers}
        results = dict(zip(writers, written.result(), strict=True))
        results.update({i: f.result() for i, f in read.items()})
    for i, argv in enumerate(cases):
        words, res = langs[i][1], results[i]
        assert res.returncode == 2, (argv, res.stderr)
        assert res.stderr.count("\n") == 1 and words in res.stderr, (argv, res.stderr)
        assert str(held) in res.stderr


@pytest.mark.parametrize("held", ["IMMEDIATE"], indirect=True)
def test_writes_wait_then_say_so_while_reads_go_on(held, tmp_path):
    # a pending write lock (QGIS in an edit session) lets reads through; writes give up
    # after the busy timeout with a message, the edit kept in the recovery journal
    assert run("info", "--workspace", str(held), home=tmp_path).returncode == 0
    src = tmp_path / "台账.csv"
    src.write_text(CSV, encoding="utf-8")
    res = run("import", str(src), "--as", "outfalls", "--workspace", str(held), "--lang", "en",
              home=tmp_path)
    assert res.returncode == 2 and "in use by another program" in res.stderr, res.stderr
    res = run("outfalls", "set", "PWK350503H0001", "--note", "现场核实", "--workspace",
              str(held), home=tmp_path)
    assert res.returncode == 1 and "unexpected" not in res.stderr
    assert "正被其他程序写入" in res.stderr
    assert Path(str(held) + ".recovery.jsonl").exists()


def test_a_second_ecozone_editing_the_workspace_is_named(tmp_path, bundled_path):
    from geodata.workspace_lock import WorkspaceLock

    ws = tmp_path / "ws.gpkg"
    shutil.copyfile(bundled_path, ws)
    lock = WorkspaceLock(ws)
    assert lock.acquire() is None  # this process plays the window that holds the workspace
    with lock:
        res = run("outfalls", "set", "PWK350503H0001", "--note", "x", "--workspace", str(ws),
                  "--lang", "en", home=tmp_path)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "the workspace is being edited in EcoZone" in res.stderr
    assert f"process {os.getpid()}" in res.stderr
