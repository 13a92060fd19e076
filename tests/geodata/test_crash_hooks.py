"""The command line's crash hooks: logged with the traceback, one line on stderr, no Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_uncaught_exception_is_logged_and_told_in_one_line_without_qt(tmp_path):
    code = (
        "import sys, threading\n"
        "from geodata import app_logging, crash_hooks\n"
        "app_logging.setup_logging()\n"
        "crash_hooks.install()\n"
        "t = threading.Thread(target=lambda: 1 / 0, name='worker-7')\n"
        "t.start(); t.join()\n"
        "print('PySide6' in sys.modules)\n"
        "raise RuntimeError('boom\\nsecond line')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=dict(os.environ, ECOZONE_HOME=str(tmp_path)),
                         timeout=60)
    log = tmp_path / "logs" / "ecozone.log"
    assert res.returncode == 1
    assert res.stdout.strip() == "False"
    assert res.stderr.strip().splitlines() == [
        f"ecozone: unexpected error: ZeroDivisionError: division by zero (details: {log})",
        f"ecozone: unexpected error: RuntimeError: boom (details: {log})"]
    text = log.read_text(encoding="utf-8")
    assert text.count("Traceback") == 2 and "in thread worker-7" in text
