"""A command that draws nothing ends without the interpreter's teardown (cli/leave.py),
and still ends as a command must: its output whole, its threads done, its ``atexit``
work (the log, temporary folders) run, its exit code kept."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_leave_waits_for_threads_runs_atexit_and_flushes(tmp_path: Path) -> None:
    done = tmp_path / "thread_done"
    exited = tmp_path / "atexit_ran"
    proc = _run(f"""
        import atexit, sys, threading, time
        from concurrent.futures import ThreadPoolExecutor
        sys.path.insert(0, {str(ROOT)!r})
        from cli.leave import leave

        def work():
            time.sleep(0.3)
            open({str(done)!r}, "w").close()

        threading.Thread(target=work).start()  # not a daemon: the exit waits for it
        pool = ThreadPoolExecutor(2)  # idle workers, never shut down: no hang
        pool.submit(lambda: None).result()
        atexit.register(lambda: open({str(exited)!r}, "w").close())
        sys.stdout.write("no newline at the end")  # still buffered when leave is called
        leave(3)
        """, tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == "no newline at the end"
    assert done.exists() and exited.exists()


def test_a_command_ends_with_its_output_and_exit_code() -> None:
    ok = subprocess.run([sys.executable, "app.py", "info", "--json"], cwd=ROOT,
                        capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "layers" in json.loads(ok.stdout)
    bad = subprocess.run([sys.executable, "app.py", "outfalls", "check", "--near-m", "-5"],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                         timeout=120)
    assert bad.returncode == 2
    assert "--near-m -5.0" in bad.stderr and bad.stdout == ""


def test_a_process_with_qt_exits_as_python_does(tmp_path: Path) -> None:
    """Qt loaded: the interpreter's own exit (objects destroyed, so an object's finaliser
    runs), not the quick one."""
    marker = tmp_path / "finalised"
    proc = _run(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import PySide6.QtCore  # noqa: F401
        from cli.leave import leave

        class Kept:
            def __del__(self, open=open):  # (builtins are gone by then)
                open({str(marker)!r}, "w").close()

        kept = Kept()  # a module global: finalised only by the interpreter's teardown
        leave(0)
        """, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert marker.exists()
