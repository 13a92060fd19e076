"""Messages of the import and export code (the Message type lives in geodata.messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geodata.io.crs_candidates import Candidate
from geodata.messages import Message, msg

__all__ = ["ImportCancelled", "ImportRefused", "Message", "Notes", "msg"]


class ImportRefused(Exception):
    """A file (or a whole import) that cannot be used; carries a bilingual reason.

    ``candidates`` lists the choices the user could make to proceed, as codes: the layers
    or sheets of the file, or the CRS codes.  ``crs_candidates`` holds the CRS choices as
    data (code, name, whether the data then lands in Quanzhou) when the file lacks a
    coordinate system; then ``candidates`` are their codes.
    """

    def __init__(self, message: Message, candidates: tuple[str, ...] = (),
                 crs_candidates: tuple[Candidate, ...] = ()) -> None:
        super().__init__(message.en)
        self.message = message
        self.crs_candidates = tuple(crs_candidates)
        self.candidates = tuple(candidates) or tuple(c.crs for c in self.crs_candidates)

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled with its message and choices (an import's child process sends it back:
        # models/import_process.py); Exception's own pickling would keep only the English
        return (type(self), (self.message, self.candidates, self.crs_candidates),
                self.__dict__)

    def text(self, lang: str = "zh") -> str:
        return self.message.text(lang)


class ImportCancelled(Exception):
    """The user pressed cancel; nothing was written."""


@dataclass
class Notes:
    """Notes collected while reading a file: choices made, repairs done (shown to users)."""

    items: list[Message] = field(default_factory=list)

    def add(self, zh: str, en: str) -> None:
        self.items.append(Message(zh, en))

    def extend(self, other: Notes) -> None:
        self.items.extend(other.items)
