"""What the spec prunes from the frozen folder after PyInstaller's hooks collected it.

Shared by ``ecozone.spec`` (which drops these files) and ``build.py --check`` (which runs
``ldd`` on Linux and fails if a remaining library still needs a dropped one).
"""

from __future__ import annotations

# pyarrow's network pieces (Flight RPC, S3: about 50 MB) and Qt modules the program never
# loads.  pyogrio reads Arrow from GDAL in process; nothing talks Flight or S3.
COMMON = ("libarrow_flight", "libarrow_python_flight", "libarrow_s3",
          "arrow_flight", "arrow_python_flight", "arrow_s3",
          "Qt6Quick", "Qt6Qml", "Qt6Pdf", "Qt6Designer", "Qt6WebEngine",
          "Qt6VirtualKeyboard", "Qt6Lottie", "Qt6Labs")

# Linux only: the GTK3 platform theme drags in GTK, cairo, pango and ATK (about 15 MB) for
# native-looking file dialogs; Qt's own dialogs are used instead.  Windows has none of these.
LINUX_ONLY = ("libqgtk3", "libgtk-3", "libgdk-3", "libatk-1.0", "libatk-bridge",
              "libatspi", "libcairo-gobject", "libgdk_pixbuf", "libepoxy",
              "libpangocairo", "libcairo.so", "libpixman", "libXcomposite",
              "libXcursor", "libXdamage", "libXinerama", "libXrandr", "libXi.so",
              "libthai", "libdatrie", "libpangoft2", "libpango-1.0", "libfribidi",
              "libgraphite2", "libharfbuzz")

# Qt's own translations (dialog buttons and the like): Chinese and English only.
KEEP_QT_TRANSLATIONS = ("qtbase_zh_CN", "qtbase_en", "qt_zh_CN", "qt_en")

# One copy of the GDAL and PROJ data is enough: rthook_ecozone.py points GDAL_DATA and
# PROJ_DATA at pyogrio's (GDAL 3.12, PROJ 9.8).  Its proj.db has the newest layout
# (DATABASE.LAYOUT.VERSION.MINOR 6), which the older PROJ inside fiona (9.4, needs >= 3) and
# pyproj (9.5, needs >= 4) accept.  Saves about 21 MB.
DROP_DATA_DIRS = ("fiona/gdal_data/", "fiona/proj_data/", "pyproj/proj_dir/")


def drop_binaries(is_windows: bool) -> tuple[str, ...]:
    """Substrings of file names to drop on this platform."""
    return COMMON if is_windows else COMMON + LINUX_ONLY


def is_dropped(name: str, is_windows: bool) -> bool:
    return any(token in name for token in drop_binaries(is_windows))
