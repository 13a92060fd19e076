"""PyInstaller runtime hook: runs inside the frozen program before ``app.py``.

It points GDAL and PROJ at the data bundled next to the executable, and switches off every
place where a library of ours could reach for the network, so the frozen program behaves the
same on a laptop with no connection as on one with.  Only the standard library is used here.
"""

import os
import sys

_base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))


def _first_dir(*candidates):
    for path in candidates:
        if os.path.isdir(path):
            return path
    return None


# GDAL (pyogrio's build) — GPKG/GeoJSON/shapefile drivers read their templates from here.
_gdal = _first_dir(os.path.join(_base, "pyogrio", "gdal_data"),
                   os.path.join(_base, "fiona", "gdal_data"))
if _gdal:
    os.environ["GDAL_DATA"] = _gdal

# PROJ: pyogrio's GDAL reads PROJ_DATA; pyproj prefers its own ``pyproj/proj_dir`` regardless,
# so each library keeps the proj.db that matches its PROJ version.
_proj = _first_dir(os.path.join(_base, "pyogrio", "proj_data"),
                   os.path.join(_base, "pyproj", "proj_dir", "share", "proj"))
if _proj:
    os.environ["PROJ_DATA"] = _proj
    os.environ["PROJ_LIB"] = _proj  # PROJ < 9.1 (fiona's bundled PROJ)

# Offline: PROJ must never download grids from cdn.proj.org, GDAL must not probe /vsicurl/.
os.environ["PROJ_NETWORK"] = "OFF"
os.environ.setdefault("GDAL_HTTP_TIMEOUT", "1")
os.environ.setdefault("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".none")

# Marks the frozen run for the program (logs, about box) without it importing PyInstaller.
os.environ.setdefault("ECOZONE_FROZEN", "1")
