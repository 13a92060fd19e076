"""The program's log: one rotating file in the user's data folder.

    <user data>/logs/ecozone.log       (1 MB, then ecozone.log.1 … ecozone.log.5)

``%LOCALAPPDATA%\\EcoZone\\logs`` on Windows; ``ECOZONE_HOME`` moves it with the rest of the
user's data.  The file is what a user sends when something went wrong, so it starts every run
with the version, the platform and whether the program is frozen, and it receives Qt's own
warnings too (:func:`ui.error_dialog.install_qt_message_handler`).

Qt-free, and outside ``ui/`` (whose package imports PySide6): every command sets the log
up, and a command that draws nothing pays neither for Qt nor for PySide6's look at each
module it imports after it (issue 17: ~0.1-0.3 s of ``outfalls check``).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
import tempfile
from pathlib import Path

LOG_NAME = "ecozone.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"

_HANDLER_ATTR = "_ecozone_handler"
log = logging.getLogger("ecozone")


def log_dir() -> Path:
    """Folder of the log files: ``<user data>/logs``."""
    from geodata.paths import user_data_dir

    return user_data_dir() / "logs"


def log_path() -> Path:
    """The current log file (the one being written; older ones end in .1 … .5)."""
    handler = _our_handler()
    if handler is not None:
        return Path(handler.baseFilename)
    return log_dir() / LOG_NAME


def _our_handler() -> logging.handlers.RotatingFileHandler | None:
    for handler in logging.getLogger().handlers:
        if getattr(handler, _HANDLER_ATTR, False):
            return handler  # type: ignore[return-value]
    return None


class _SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log that more than one EcoZone process may write at once.

    The window and a command-line run (or two windows) append to the same file.  On Windows
    a file another process holds open cannot be renamed, so rotation would fail on every
    record ("--- Logging error ---" on stderr).  When the rename is refused this handler
    keeps appending to the current file and tries again at the next limit.  Text is UTF-8;
    what UTF-8 cannot hold (a lone surrogate from a broken file name) is escaped, not
    raised.
    """

    def doRollover(self) -> None:  # noqa: N802 - logging's name
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()
            self.maxBytes *= 2  # do not retry on every record until the other one lets go


def _open_handler(folder: Path) -> logging.handlers.RotatingFileHandler:
    folder.mkdir(parents=True, exist_ok=True)
    handler = _SharedRotatingFileHandler(
        folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8",
        errors="backslashreplace", delay=False)
    return handler


def setup_logging(level: int | str | None = None, console: bool = False) -> Path:
    """Send the program's logging to the rotating file; return the file's path.

    Safe to call more than once (the handler is added once).  If the data folder cannot be
    written (a locked-down profile, a full disk), the log goes to the temporary folder
    rather than the program failing to start.  ``ECOZONE_LOG_LEVEL`` (DEBUG, INFO, ...)
    overrides ``level``; the default is INFO.
    """
    existing = _our_handler()
    if existing is not None:
        return Path(existing.baseFilename)
    level = os.environ.get("ECOZONE_LOG_LEVEL") or level or logging.INFO
    try:
        handler = _open_handler(log_dir())
    except OSError:
        handler = _open_handler(Path(tempfile.gettempdir()) / "EcoZone" / "logs")
    handler.setFormatter(logging.Formatter(FORMAT))
    setattr(handler, _HANDLER_ATTR, True)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # A windowed program on Windows has no stderr (sys.stderr is None): never log there.
    if console and sys.stderr is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.setLevel(logging.WARNING)
        root.addHandler(stream)
    logging.captureWarnings(True)
    log.info("EcoZone %s starting: Python %s on %s, frozen=%s, pid %d", _version(),
             platform.python_version(), platform.platform(), bool(getattr(sys, "frozen", False)),
             os.getpid())
    return Path(handler.baseFilename)


def shutdown_logging() -> None:
    """Remove and close our file handler (tests; the next setup opens a fresh one)."""
    handler = _our_handler()
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()


def _version() -> str:
    """The program version: the frozen build's VERSION file, else pyproject.toml."""
    base = getattr(sys, "_MEIPASS", None)
    candidates = [Path(base) / "packaging" / "VERSION"] if base else []
    candidates.append(Path(__file__).resolve().parents[1] / "pyproject.toml")
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if path.name == "VERSION":
            return text.strip()
        import tomllib

        return str(tomllib.loads(text)["project"]["version"])
    return "unknown"
