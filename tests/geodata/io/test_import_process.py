"""A big import's check and write in a child process (models/import_process.py, issue 17).

What the user gets must not depend on where the write ran: the same report, batch and rows
as the session's own run in the window's worker thread; refusals in both languages; and a
child that dies says truthfully that nothing was written.
"""

from __future__ import annotations

import multiprocessing
import pickle
import shutil
import threading
import time
from pathlib import Path

import pytest

from geodata.io.crs_candidates import Candidate
from geodata.io.import_session import ImportSession
from geodata.io.messages import ImportCancelled, ImportRefused, msg
from geodata.io.workspace_import import list_batches
from geodata.store import read_layer
from models import import_process

ROWS = 400


def _csv(path: Path, n: int, start: int = 1000) -> Path:
    lines = ["编码,名称,受纳水体,经度,纬度"]
    lines += [f"PWK350582H{start + i:04d},试验排口{i},深沪湾,{118.5 + i * 1e-5:.6f},"
              f"{24.6 + i * 1e-5:.6f}" for i in range(n)]
    # one row the check refuses (no location), so the report has a rejection to carry
    lines.append(f"PWK350582H{start + n:04d},无坐标排口,深沪湾,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _session(workspace: Path, csv: Path) -> ImportSession:
    session = ImportSession(workspace, csv)
    assert session.read() is not None
    session.suggest()
    return session


@pytest.fixture
def children(monkeypatch):
    """Imports of ROWS rows go to a child; the calls that did are counted."""
    monkeypatch.setattr(import_process, "PROCESS_ROWS", ROWS // 2)
    # the report's lists come back in pieces (a 100k import's are ~12)
    monkeypatch.setattr(import_process, "ANSWER_PIECE", 64)
    monkeypatch.delenv("ECOZONE_IMPORT_PROCESS", raising=False)
    calls: list[str] = []
    real = import_process._in_child

    def counted(job, died, stop=None):
        calls.append(job[0])
        return real(job, died, stop)

    monkeypatch.setattr(import_process, "_in_child", counted)
    return calls


def _outfalls(workspace: Path) -> list[tuple]:
    frame = read_layer(workspace, "outfalls").sort_values("code")
    cols = [c for c in frame.columns if c != "geometry"]
    return [(*(None if v != v else v for v in row[:-1]), row[-1].wkb)
            for row in frame[[*cols, "geometry"]].itertuples(index=False)]


@pytest.mark.parametrize("folder", ["", "晋江 县局/导入"])
def test_a_big_import_in_a_child_writes_what_the_thread_writes(workspace, tmp_path,
                                                                children, folder):
    """(also from a folder and a file named in Chinese, with a space, as a county
    office's Windows paths are: the child gets them pickled, not on a command line)"""
    where = tmp_path / folder
    where.mkdir(parents=True, exist_ok=True)
    if folder:
        workspace = Path(shutil.copyfile(workspace, where / "工作区.gpkg"))
    other = where / "other.gpkg"
    shutil.copyfile(workspace, other)
    csv = _csv(where / ("排污口清单.csv" if folder else "big.csv"), ROWS)

    in_thread = _session(other, csv)
    expected = in_thread.run(False)
    session = _session(workspace, csv)
    report = import_process.run_import(session, False)

    assert children == ["import"]  # a child ran the import
    assert report.counts() == expected.counts()
    assert report.new == expected.new  # every code, in order, from the pieces
    assert report.counts()["imported"] == ROWS and report.counts()["rejected"] == 1
    assert report.to_json("zh")["rejections"] == expected.to_json("zh")["rejections"]
    assert report.to_json("en")["rejections"] == expected.to_json("en")["rejections"]
    assert report.batch_id == expected.batch_id == session.last_batch
    assert _outfalls(workspace) == _outfalls(other)
    assert [b["batch_id"] for b in list_batches(workspace)] == [report.batch_id]
    assert {"PWK350582H1000", "PWK350582H1399"} <= set(
        read_layer(workspace, "outfalls")["code"].astype(str))
    # and the undo the result page offers, in a child too, takes it all back
    done = import_process.run_undo(session, report.batch_id, ROWS)
    assert children == ["import", "undo"]
    assert done.text("zh") == in_thread.undo().text("zh")
    assert session.last_batch is None
    assert len(read_layer(workspace, "outfalls")) == 2
    assert _outfalls(workspace) == _outfalls(other)
    assert [b["status"] for b in list_batches(workspace)] == ["undone"]


def test_a_small_import_and_its_undo_stay_in_the_thread(workspace, tmp_path, children):
    session = _session(workspace, _csv(tmp_path / "small.csv", ROWS // 4))
    report = import_process.run_import(session, False)
    assert report.counts()["imported"] == ROWS // 4
    import_process.run_undo(session, report.batch_id, ROWS // 4)
    assert children == []
    assert len(read_layer(workspace, "outfalls")) == 2


def test_the_switch_turns_the_child_off(workspace, tmp_path, children, monkeypatch):
    monkeypatch.setenv("ECOZONE_IMPORT_PROCESS", "0")
    session = _session(workspace, _csv(tmp_path / "big.csv", ROWS))
    assert import_process.run_import(session, False).counts()["imported"] == ROWS
    assert children == []


def test_a_file_changed_after_the_preview_is_refused_in_both_languages(workspace, tmp_path,
                                                                        children):
    csv = _csv(tmp_path / "big.csv", ROWS)
    session = _session(workspace, csv)
    _csv(csv, ROWS + 5, start=5000)  # the county sent a new version meanwhile
    with pytest.raises(ImportRefused) as caught:
        import_process.run_import(session, False)
    assert children == ["import"]
    assert caught.value.text("zh") == ("文件 big.csv 在预览之后已被修改，未导入；"
                                       "请返回第 1 步重新选择该文件")
    assert caught.value.text("en").startswith("big.csv was changed after it was previewed")
    assert len(read_layer(workspace, "outfalls")) == 2  # nothing written
    assert list_batches(workspace) == []


def _killed_at_once(call) -> BaseException:
    """What ``call()`` raised, its child killed as soon as it is there (while it still
    imports its modules: before it writes anything)."""
    caught: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            caught.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    killed = False
    deadline = time.monotonic() + 30
    while not killed and time.monotonic() < deadline and worker.is_alive():
        for child in multiprocessing.active_children():
            if child.name == "ecozone-import":
                child.kill()
                killed = True
        time.sleep(0.005)
    worker.join(60)
    assert killed
    assert len(caught) == 1 and isinstance(caught[0], import_process.ImportProcessDied)
    return caught[0]


def test_a_child_that_dies_says_nothing_was_written(workspace, tmp_path, children):
    session = _session(workspace, _csv(tmp_path / "big.csv", ROWS))
    exc = _killed_at_once(lambda: import_process.run_import(session, False))
    assert exc.text("zh") == "导入 big.csv 的进程意外结束（退出码 -9），工作区未作任何改动"
    assert exc.text("en") == ("the process importing big.csv ended unexpectedly (exit code "
                              "-9); the workspace was not changed")
    assert len(read_layer(workspace, "outfalls")) == 2
    assert session.last_batch is None


def test_an_undo_child_that_dies_says_the_batch_is_still_there(workspace, tmp_path,
                                                                children):
    session = _session(workspace, _csv(tmp_path / "big.csv", ROWS))
    batch = import_process.run_import(session, False).batch_id
    exc = _killed_at_once(lambda: import_process.run_undo(session, batch, ROWS))
    assert exc.text("zh") == (f"撤销批次 {batch} 的进程意外结束（退出码 -9），"
                              "批次仍在工作区中，未作任何改动")
    assert exc.text("en").endswith("the batch is still in the workspace, nothing was changed")
    assert len(read_layer(workspace, "outfalls")) == 2 + ROWS
    assert session.last_batch == batch  # still undoable
    import_process.run_undo(session, batch, ROWS)
    assert len(read_layer(workspace, "outfalls")) == 2


def test_a_refusal_keeps_its_message_and_choices_when_pickled():
    cand = Candidate("EPSG:4549", "CGCS2000 / 3-degree Gauss-Kruger CM 120E", True)
    for exc in (ImportRefused(msg("请选择图层", "choose a layer"), ("a", "b")),
                ImportRefused(msg("缺少坐标系", "no CRS"), crs_candidates=(cand,))):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is ImportRefused
        assert (back.text("zh"), back.text("en")) == (exc.text("zh"), exc.text("en"))
        assert back.candidates == exc.candidates
        assert back.crs_candidates == exc.crs_candidates


def _import_children() -> list:
    return [c for c in multiprocessing.active_children() if c.name == "ecozone-import"]


def test_a_child_started_ahead_does_the_import_and_a_closed_dialog_ends_it(
        workspace, tmp_path, children, monkeypatch):
    started: list[int] = []
    real_start = import_process._start

    def counted_start():
        started.append(1)
        return real_start()

    monkeypatch.setattr(import_process, "_start", counted_start)
    import_process.warm(_session(workspace, _csv(tmp_path / "small.csv", ROWS // 4)))
    assert started == [] and _import_children() == []  # a small file: no child ahead

    session = _session(workspace, _csv(tmp_path / "big.csv", ROWS))
    import_process.warm(session)
    import_process.warm(session)  # (once is enough)
    assert len(started) == 1 and len(_import_children()) == 1
    report = import_process.run_import(session, False)
    assert len(started) == 1  # the import used it
    assert report.counts()["imported"] == ROWS

    import_process.warm(session)  # another one ahead, never used
    assert len(started) == 2
    import_process.discard()
    deadline = time.monotonic() + 10
    while _import_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _import_children() == []


def test_a_child_started_ahead_that_died_is_replaced(workspace, tmp_path, children):
    session = _session(workspace, _csv(tmp_path / "big.csv", ROWS))
    import_process.warm(session)
    (child,) = _import_children()
    child.kill()
    child.join(10)
    report = import_process.run_import(session, False)
    assert report.counts()["imported"] == ROWS


def test_a_cancel_while_the_child_works_kills_it_and_nothing_is_written(
        workspace, tmp_path, children):
    session = _session(workspace, _csv(tmp_path / "big.csv", ROWS))
    asked: list[float] = []

    def progress(fraction, message):  # Cancel pressed once the child has its job
        asked.append(fraction)
        return len(asked) < 2

    with pytest.raises(ImportCancelled):
        import_process.run_import(session, False, progress)
    assert children == ["import"] and len(asked) == 2
    assert _import_children() == []  # killed
    assert len(read_layer(workspace, "outfalls")) == 2 and list_batches(workspace) == []
    assert session.last_batch is None


def test_a_cancel_just_after_the_commit_gives_the_batch_as_stored(workspace, tmp_path,
                                                                  children, monkeypatch):
    other = tmp_path / "other.gpkg"
    shutil.copyfile(workspace, other)
    csv = _csv(tmp_path / "big.csv", ROWS)
    expected = _session(other, csv).run(False)
    real = import_process._in_child

    def committed_then_stopped(job, died, stop=None):
        real(job, died)  # the child's transaction committed ...
        raise import_process._Stopped()  # ... and the Cancel's kill came after it

    monkeypatch.setattr(import_process, "_in_child", committed_then_stopped)
    session = _session(workspace, csv)
    report = import_process.run_import(session, False, lambda f, m: True)
    assert report.counts() == expected.counts()  # as the batch stored them
    assert report.new == expected.new and report.batch_id == session.last_batch == 1
    assert report.notes.items[-1].text("zh") == (
        "取消时导入已完整写入工作区（批次 1），无法取消；如不需要，可在下一步撤销本批次")
    assert "undo the batch in the next step" in report.notes.items[-1].text("en")
    monkeypatch.setattr(import_process, "_in_child", real)
    import_process.run_undo(session, 1, ROWS)  # and it can be undone
    assert len(read_layer(workspace, "outfalls")) == 2


def test_a_child_started_ahead_near_its_idle_end_is_not_given_the_job(
        workspace, tmp_path, children, monkeypatch):
    started: list[int] = []
    real_start = import_process._start
    monkeypatch.setattr(import_process, "_start",
                        lambda: started.append(1) or real_start())
    session = _session(workspace, _csv(tmp_path / "big.csv", ROWS))
    import_process.warm(session)
    (ahead,) = _import_children()
    monkeypatch.setattr(import_process, "IDLE_EXIT_S", 0.0)  # as if it waited 15 minutes
    report = import_process.run_import(session, False)
    assert report.counts()["imported"] == ROWS
    assert len(started) == 2  # a new one did the import; the old one was ended
    ahead.join(10)
    assert not ahead.is_alive()
