"""Where EcoZone keeps its files: the bundled workspace and the per-user data folder.

Apart from :mod:`geodata.store` (which re-exports them) so that logging, which every
command sets up, need not import geopandas and pandas (~0.6 s) only to find its folder: a
command that reads no layer starts without them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BUNDLED_NAME = "quanzhou.gpkg"


def bundled_path() -> Path:
    """The read-only bundled Quanzhou GeoPackage."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "geodata" / "data" / BUNDLED_NAME


def user_data_dir() -> Path:
    """Per-user data folder: %LOCALAPPDATA%\\EcoZone on Windows, XDG data home elsewhere.

    ``ECOZONE_HOME`` overrides it (tests, portable installs).
    """
    env = os.environ.get("ECOZONE_HOME")
    if env:
        return Path(env)
    if sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return root / "EcoZone"
    root = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return root / "EcoZone"
