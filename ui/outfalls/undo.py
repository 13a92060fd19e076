"""Undo/redo of outfall edits: each applied Edit becomes a QUndoCommand on a QUndoStack.

The edit is applied (and saved) by the session *before* it is pushed, so a rejected edit
never enters the stack; the command's first ``redo`` (called by ``push``) is then a no-op.
Later undo/redo call :meth:`EditSession.undo`/``redo``, which write compensating batches
with audit action ``undo``/``redo`` -- the audit log stays append-only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from models.outfall_edits import Edit, EditRejected


class EditCommand(QUndoCommand):
    def __init__(self, session: Any, edit: Edit, lang: str = "zh",
                 on_error: Any = None) -> None:
        super().__init__(edit.description().text(lang))
        self.session = session
        self.edit = edit
        self.on_error = on_error
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # already applied before push
            self._pushed = True
            return
        self._run(self.session.redo)

    def undo(self) -> None:
        self._run(self.session.undo)

    def _run(self, func: Any) -> None:
        try:
            func(self.edit)
        except EditRejected as exc:  # e.g. the workspace became read-only meanwhile
            if self.on_error is not None:
                self.on_error(exc.message)


def push_edit(stack: QUndoStack, session: Any, edit: Edit, lang: str = "zh",
              on_error: Any = None) -> Edit:
    """Apply ``edit`` through the session, then record it on ``stack``; returns it applied."""
    applied = session.apply(edit)
    stack.push(EditCommand(session, applied, lang, on_error))
    return applied
