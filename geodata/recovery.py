"""The recovery journal: edits made but not yet saved to the workspace, on disk.

An edit is journaled (one JSON line, flushed and fsync'd) before the workspace save is
attempted, and the journal is trimmed once the save has committed.  So after a crash, a
kill, or a save refused by a read-only file or a full disk, the journal still holds every
edit the GeoPackage does not; on the next open the caller offers to replay them.  Each entry
carries its batch id, which is also written to the audit rows, so an entry that *was*
committed just before a crash is recognised and not replayed twice.

The journal lives beside the workspace (``<name>.gpkg.recovery.jsonl``) or, when that folder
is not writable, in the user data folder under ``recovery/``.  Qt-free.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from geodata import store


def _fallback_path(workspace: Path) -> Path:
    digest = hashlib.sha1(str(workspace.resolve()).encode("utf-8")).hexdigest()[:12]
    return store.user_data_dir() / "recovery" / f"{workspace.stem}-{digest}.recovery.jsonl"


def _beside_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".recovery.jsonl")


def candidate_paths(workspace: Path | str) -> tuple[Path, Path]:
    """Where a journal for ``workspace`` may be: beside it, and in the user data folder."""
    ws = Path(workspace)
    return _beside_path(ws), _fallback_path(ws)


class RecoveryJournal:
    """Append-only JSON-lines journal of unsaved edits for one workspace."""

    def __init__(self, workspace: Path | str) -> None:
        self.workspace = Path(workspace)
        beside, fallback = candidate_paths(self.workspace)
        writable = os.access(self.workspace.parent, os.W_OK)
        self.path = beside if writable else fallback
        # the window trims the journal in the worker that saved (``drop``) while its GUI
        # thread may append the next edit: one writer at a time, or an entry could be lost
        self._lock = threading.RLock()

    # -- writing --------------------------------------------------------------------------
    def append(self, entry: dict[str, Any]) -> Path:
        """Add one entry durably; returns the file written.  Raises OSError if impossible."""
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._lock:
            try:
                self._append_to(self.path, line)
            except OSError:
                fallback = _fallback_path(self.workspace)
                if fallback == self.path:
                    raise
                self._append_to(fallback, line)  # e.g. the workspace folder became read-only
                self.path = fallback
            return self.path

    @staticmethod
    def _append_to(path: Path, line: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def keep_only(self, batch_ids: set[str]) -> None:
        """Rewrite the journal with only the entries whose batch is in ``batch_ids``."""
        with self._lock:
            self._rewrite(lambda e: e.get("batch") in batch_ids)

    def drop(self, batch_ids: set[str]) -> None:
        """Rewrite the journal without the entries whose batch is in ``batch_ids`` (saved
        ones), keeping any appended meanwhile."""
        with self._lock:
            self._rewrite(lambda e: e.get("batch") not in batch_ids)

    def _rewrite(self, keep: Any) -> None:
        for path in candidate_paths(self.workspace):
            if not path.exists():
                continue
            # the kept entries' lines as they are: encoding a 1 000-move entry again was
            # ~5 ms holding the GIL in the saving worker (the window's turns waited)
            lines = [line for line, e in _lines(path) if keep(e)]
            if not lines:
                path.unlink(missing_ok=True)
                continue
            tmp = path.with_suffix(".tmp")
            data = b"".join(line + b"\n" for line in lines)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)

    def clear(self) -> None:
        self.keep_only(set())

    # -- reading --------------------------------------------------------------------------
    def entries(self) -> list[dict[str, Any]]:
        """All journaled entries, beside-file first, de-duplicated by batch id."""
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for path in candidate_paths(self.workspace):
            for e in _read(path):
                b = str(e.get("batch", ""))
                if b and b not in seen:
                    seen.add(b)
                    out.append(e)
        return out

    def exists(self) -> bool:
        return any(p.exists() and p.stat().st_size > 0 for p in candidate_paths(self.workspace))


def _read(path: Path) -> list[dict[str, Any]]:
    return [e for _line, e in _lines(path)]


def _lines(path: Path) -> list[tuple[bytes, dict[str, Any]]]:
    """The journal's entries with their lines (a torn or foreign line left out)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    out: list[tuple[bytes, dict[str, Any]]] = []
    for line in raw.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue  # a line torn by a crash mid-write: the edit was never acknowledged
        if isinstance(e, dict):
            out.append((line, e))
    return out
