"""Bilingual user-facing messages.

Every message a user may read (a rejected row, a refused file, a note about an encoding or
coordinate choice) is a :class:`Message` with a Chinese and an English text.  ``str()``
gives the Chinese text (the product's default language); ``text("en")`` the English one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def to_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


def msg(zh: str, en: str) -> Message:
    return Message(zh=zh, en=en)


class ImportRefused(Exception):
    """A file (or a whole import) that cannot be used; carries a bilingual reason.

    ``candidates`` lists choices the user could make to proceed (e.g. CRS candidates).
    """

    def __init__(self, message: Message, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message.en)
        self.message = message
        self.candidates = candidates

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
