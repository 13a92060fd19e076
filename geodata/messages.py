"""Bilingual user-facing text: one type for every message a user may read.

Every text the program shows or prints (a rejected row, a refused file, a status line, a
command-line error) is a :class:`Message` with its Chinese form (the default) and its English
form; the reader picks one with ``text(lang)``.  Code does not branch on ``lang == "en"`` to
build texts: it builds a Message and lets the view choose (docs/ARCHITECTURE.md, "Text").
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def __add__(self, other: Message) -> Message:
        """Two messages one after the other (each language with its own)."""
        return Message(self.zh + other.zh, self.en + other.en)

    def format(self, **values: object) -> Message:
        """Both forms with ``{name}`` fields filled from ``values``."""
        return Message(self.zh.format(**values), self.en.format(**values))


def msg(zh: str, en: str) -> Message:
    return Message(zh=zh, en=en)
