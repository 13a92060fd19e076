"""Outfall review (一口一档): inventory table, record card, undoable edits, map link.

Entry point: :func:`install_outfall_review` (see ``review.py`` for the main window and
canvas interface it uses).
"""

from ui.outfalls.review import OutfallReview, install_outfall_review

__all__ = ["OutfallReview", "install_outfall_review"]
