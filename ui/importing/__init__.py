"""The import dialog (issue 5): file → encoding and CRS → field mapping → dry run → import.

The work is done by the Qt-free ``geodata.io`` package through
:mod:`geodata.io.import_session` (below ``ui/``, so the command line and tests share it);
this package only shows it.  Entry point for the File menu: :func:`open_import_dialog`.
"""

from __future__ import annotations

from typing import Any


def open_import_dialog(parent: Any, workspace_path: Any, lang: str | None = None,
                       workspace: Any = None) -> Any:
    """Build, show and return the import dialog (see ``import_dialog.open_import_dialog``)."""
    from ui.importing.import_dialog import open_import_dialog as _open

    return _open(parent, workspace_path, lang, workspace)
