"""Labels are drawn once into sprites and blitted: same picture, far less work per render."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from layers.map_layer import Labels
from layers.style import STYLES
from layers.viewport import Viewport


def _labels() -> Labels:
    return Labels(np.array([13_200_000.0, 13_210_000.0]), np.array([2_880_000.0, 2_885_000.0]),
                  ["泉州湾", "深沪湾"], np.array([0.0, 1.0]))


def test_second_render_reuses_sprites_and_gives_the_same_pixels(qapp):
    from ui.painter import LABEL_SPRITES, new_image, paint_labels

    view = Viewport(13_205_000.0, 2_882_000.0, 40.0, 800, 600)
    items = [(STYLES["bays"], _labels(), False)]
    LABEL_SPRITES._cache.clear()
    a = new_image(view)
    assert paint_labels(a, items, view) == 2
    assert len(LABEL_SPRITES._cache) == 2
    b = new_image(view)
    assert paint_labels(b, items, view) == 2
    assert len(LABEL_SPRITES._cache) == 2  # nothing new laid out
    assert a == b
    # the text is there: dark blue bay-label pixels near the first anchor
    sx, sy = view.to_screen(np.array([13_200_000.0]), np.array([2_880_000.0]))
    x0, y0 = int(sx[0]) - 30, int(sy[0]) - 12
    dark = [(x, y) for x in range(x0, x0 + 60) for y in range(y0, y0 + 24)
            if a.pixelColor(x, y).alpha() > 200 and a.pixelColor(x, y).blue() > 2 * a.pixelColor(x, y).red()]
    assert dark
    # another style of the same text is another sprite
    paint_labels(new_image(view), [(STYLES["counties"], _labels(), False)], view)
    assert len(LABEL_SPRITES._cache) == 4


def _sprite_drawn_by_qt(text: str, style, font, fm):  # noqa: ANN001 - LayerStyle, QFont
    """The sprite as Qt paints it: the glyphs into an Alpha8 mask, its float dilation
    as the halo, then the text path filled over it (how sprites were made before the
    glyphs were rasterised only once)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath

    from ui.painter import HALO_ALPHA, LabelSprites, qcolor

    w, h = fm.horizontalAdvance(text), fm.height()
    width, height = int(w) + 2 * LabelSprites.PAD_X + 1, int(h) + 2 * LabelSprites.PAD_Y + 1
    path = QPainterPath()
    path.addText(QPointF(LabelSprites.PAD_X, LabelSprites.PAD_Y + fm.ascent()), font, text)
    mask = QImage(width, height, QImage.Format.Format_Alpha8)
    mask.fill(0)
    p = QPainter(mask)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.fillPath(path, QBrush(QColor(255, 255, 255, 255)))
    p.end()
    a = np.frombuffer(mask.constBits(), dtype=np.uint8).reshape(height, mask.bytesPerLine())
    a = a[:, :width].astype(np.float32)
    pad = np.pad(a, 2)
    halo = np.zeros_like(a)
    taps = [(dy, dx, 1.0) for dy in (-1, 0, 1) for dx in (-1, 0, 1)] + \
        [(-2, 0, 0.5), (2, 0, 0.5), (0, -2, 0.5), (0, 2, 0.5)]
    for dy, dx, weight in taps:
        np.maximum(halo, weight * pad[2 + dy:2 + dy + height, 2 + dx:2 + dx + width], out=halo)
    alpha = np.round(halo * (HALO_ALPHA / 255.0)).astype(np.uint8)
    rgba = np.repeat(alpha[:, :, None], 4, axis=2)
    img = QImage(rgba.tobytes(), width, height, width * 4,
                 QImage.Format.Format_RGBA8888_Premultiplied).convertToFormat(
                     QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.fillPath(path, QBrush(qcolor(style.label_color)))
    p.end()
    return img


def test_sprites_are_the_pixels_qt_paints(qapp):
    """A sprite's halo and text are composed in numpy from one rasterisation of the
    glyphs; the user sees the same pixels as when Qt draws halo and text itself."""
    from ui.painter import LabelSprites, map_font
    from PySide6.QtGui import QFontMetricsF

    def pixels(img) -> np.ndarray:  # noqa: ANN001
        return np.frombuffer(img.constBits(), dtype=np.uint8).reshape(
            img.height(), img.bytesPerLine())[:, :img.width() * 4].astype(int)

    for name in ("bays", "counties", "places", "rivers"):
        style = STYLES[name]
        font = map_font(style.label_size, style.label_bold)
        fm = QFontMetricsF(font)
        for text in ("泉州湾", "洛江区(万安街道)", "Licheng District", "Q350502"):
            got, _w, _h = LabelSprites().get(text, style, font, fm)
            want = _sprite_drawn_by_qt(text, style, font, fm)
            assert (got.width(), got.height()) == (want.width(), want.height())
            diff = np.abs(pixels(got) - pixels(want))
            assert diff.max() <= 1, (name, text, diff.max())
            assert pixels(got)[..., 3::4].max() > 200  # there is text


def test_sprites_made_together_on_one_sheet_are_the_sprites_made_alone(qapp):
    """A render's new sprites share one sheet (one painter, one numpy pass); each is,
    pixel for pixel, the sprite made on its own -- glyphs that reach past a sprite's
    box are cut as there, and no halo reaches into a neighbour."""
    from PySide6.QtGui import QFontMetricsF

    from ui.painter import SHEET_WIDTH, LabelSprites, map_font

    texts = ["泉州湾", "洛江区(万安街道)", "Licheng District", "Q350502", "j", "丰泽区", "WWW"] * 6
    wanted = []
    for name in ("bays", "counties", "places", "rivers"):
        style = STYLES[name]
        font = map_font(style.label_size, style.label_bold)
        fm = QFontMetricsF(font)
        wanted += [(f"{t}{i}" if i else t, style, font, fm) for i, t in enumerate(texts)]
    together = LabelSprites().get_many(wanted)
    sheets = {id(sheet) for sheet, _rect in together}
    assert len(sheets) == 1
    sheet = together[0][0]
    assert sheet.width() <= SHEET_WIDTH and sheet.height() > 3 * together[0][1].height()
    for (text, style, font, fm), (sheet, rect) in zip(wanted, together, strict=True):
        alone, _w, _h = LabelSprites().get(text, style, font, fm)
        assert (alone.width(), alone.height()) == (rect.width(), rect.height())
        assert sheet.copy(rect) == alone, (text, style.label_color)
    # asked again: nothing new is made
    cache = LabelSprites()
    first = cache.get_many(wanted[:5])
    again = cache.get_many(wanted[:5])
    assert [(id(s), r) for s, r in first] == [(id(s), r) for s, r in again]
