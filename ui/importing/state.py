"""What the pages of the import dialog share, as one object they read and write.

The pages used to reach into the dialog (``self.dialog.dry_report = …``), so the dialog
imported its pages and the pages the dialog: an import cycle (issue 12).  Now the dialog
makes one :class:`WizardState` and one :class:`~ui.importing.jobs.JobRunner` and hands both
to each page; the pages know neither the dialog nor each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
