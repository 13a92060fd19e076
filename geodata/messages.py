"""Bilingual user-facing text: one type for every message a user may read.

Every text the program shows or prints (a rejected row, a refused file, a status line, a
command-line error) is a :class:`Message` with its Chinese form (the default) and its English
form; the reader picks one with ``text(lang)``.  Code does not branch on ``lang == "en"`` to
build texts: it builds a Message and lets the view choose (docs/ARCHITECTURE.md, "Text").

This module is the one place that compares a language code (a test scans the runtime
packages for any other): :meth:`Message.text` picks a text, :func:`localized` picks one of a
record's ``<field>_zh`` / ``<field>_en`` values and :func:`in_language` any other choice
by language (an English vocabulary, a column name, an HTML ``lang`` attribute, a separator).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

#: The language codes: Chinese is the default, English the other form.
ZH = "zh"
EN = "en"


@dataclass(frozen=True)
class Message:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def text(self, lang: str = "zh") -> str:
        return in_language(lang, self.zh, self.en)

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


def in_language(lang: str | None, zh: T, en: T) -> T:
    """``en`` when ``lang`` is English, else ``zh`` (Chinese is the default for any other
    value, ``None`` included).

    For a choice by language that is not a whole text: a vocabulary, a column name, an HTML
    ``lang`` attribute, a list separator.  Both forms are evaluated by the caller.

    Examples
    --------
    >>> in_language("en", "、", ", ")
    ', '
    >>> in_language("zh", "zh-CN", "en")
    'zh-CN'
    """
    return en if lang == EN else zh


def localized(record: Mapping[str, Any], field: str, lang: str | None, *,
              fallback: bool = True) -> Any:
    """A record's ``<field>_zh`` or ``<field>_en`` value as read in ``lang``.

    Parameters
    ----------
    record : Mapping
        A dict, a pandas row or any mapping with ``.get``; absent keys read as ``None``.
    field : str
        The field's stem: ``"name"`` reads ``name_zh`` / ``name_en``.
    lang : str
        ``"en"`` reads the English column, anything else the Chinese one.
    fallback : bool
        In English, a missing or empty (falsy) English value gives the Chinese one (a record
        without an English name reads in Chinese).  ``False`` returns the English value as
        it is, empty or not.

    Examples
    --------
    >>> rec = {"name_zh": "晋江", "name_en": ""}
    >>> localized(rec, "name", "en"), localized(rec, "name", "en", fallback=False)
    ('晋江', '')
    """
    zh = record.get(f"{field}_zh")
    if lang != EN:
        return zh
    en = record.get(f"{field}_en")
    return en if en or not fallback else zh
