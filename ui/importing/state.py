"""What the pages of the import dialog share, as one object they read and write.

The pages used to reach into the dialog (``self.dialog.dry_report = …``), so the dialog
imported its pages and the pages the dialog: an import cycle (issue 12).  Now the dialog
makes one :class:`WizardState` and one :class:`~ui.importing.jobs.JobRunner` and hands both
to each page; the pages know neither the dialog nor each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geodata.io.import_session import ImportSession

if TYPE_CHECKING:
    from geodata.io.workspace_import import ImportReport


@dataclass
class WizardState:
    """The import in progress (session), the language, and the reports of steps 4 and 5."""

    session: ImportSession
    lang: str = "zh"
    #: the dry run shown in step 4
    dry_report: ImportReport | None = None
    #: the import done in step 4, shown (and undoable) in step 5
    final_report: ImportReport | None = None
    #: the open workspace (``models.workspace.Workspace``) when the window opened the
    #: dialog: the import and undo jobs then also read the changed layer in the worker
    workspace: Any = None
    #: that read (``models.workspace.LayerRead``), until the window takes it
    layer_read: Any = None

    def revision(self) -> int | None:
        """The workspace's revision, taken on the GUI thread as a job starts."""
        return None if self.workspace is None else int(self.workspace.revision)

    def read_changed_layer(self, layer: str, since: int | None) -> Any:
        """In the worker, after an import or undo: the layer read again from the file, for
        the window to swap in without reading on the GUI thread (None: no workspace, or the
        read failed and the window reads it itself, as before).  ``since``:
        :meth:`revision` when the job started."""
        ws = self.workspace
        if ws is None or since is None or layer not in ws.layers:
            return None
        try:
            return ws.read_layer(layer, since)
        except Exception:  # noqa: BLE001 - the window's own read then reports it
            return None
