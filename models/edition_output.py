"""Writing a comparison of two editions: the change map, the detail maps, and the
.html/.xlsx/.gpkg outputs (the .pdf is written by ``ui.reports.edition_pdf``).

Used by the ``compare`` command (``cli/editions.py``) and the 版本对比 dialog alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from geodata.messages import Message, msg

OUT_SUFFIXES = (".html", ".htm", ".pdf", ".xlsx", ".gpkg")


class CompareUserError(Exception):
    """A comparison or an output the user asked for that cannot be made (bilingual)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


def check_out(out: Path | None) -> None:
    if out is None:
        return
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise CompareUserError(msg(f"--out {out.name}：请用 .html、.pdf、.xlsx 或 .gpkg 文件",
                                   f"--out {out.name}: use a .html, .pdf, .xlsx or .gpkg file"))
    if not out.parent.exists():
        raise CompareUserError(msg(f"--out {out}：文件夹 {out.parent} 不存在",
                                   f"--out {out}: folder {out.parent} does not exist"))


def generated() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def map_svg(ec: Any, lang: str) -> str:
    from models.edition_map_svg import render_changes_svg

    return render_changes_svg(ec.result, ec.base, lang, illustrative=ec.illustrative)


def detail_svgs(ec: Any, lang: str, width: float = 460,
                height: float = 340) -> list[tuple[str, str, str]]:
    """(caption, old edition map, new edition map) for the changes shown in detail."""
    from models.edition_map_svg import render_units_svg
    from models.edition_report import detail_rows

    ch = ec.result.changes
    out = []
    for k, zh, en in detail_rows(ec.result):
        g = ch.geometry.iloc[k]
        x0, y0, x1, y1 = g.bounds
        pad = max(x1 - x0, y1 - y0, 0.01) * 0.6  # neighbours for context
        bounds = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        pair = [render_units_svg(ec.base.get(key), ec.base, bounds, e.title(lang), lang,
                                 width, height, outline=g)
                for key, e in (("old_units", ec.old), ("units", ec.new))]
        out.append((Message(zh, en).text(lang), pair[0], pair[1]))
    return out


def write(ec: Any, out: Path, lang: str) -> None:
    """Write ``out`` for .html, .xlsx or .gpkg (atomically where the format allows)."""
    from models import edition_export

    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        from models.edition_report import render_html

        html = render_html(ec.result, ec.editions, map_svg(ec, lang), lang, ec.illustrative,
                           generated(), detail_svgs(ec, lang))
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(out)
    elif suffix == ".xlsx":
        edition_export.write_xlsx(ec.result, ec.editions, out, ec.illustrative)
    elif suffix == ".gpkg":
        edition_export.write_gpkg(ec.result, ec.editions, out, ec.illustrative)
    else:
        raise CompareUserError(msg("PDF 由界面组件写出（ui.reports.edition_pdf）",
                                   "PDF output is written by the Qt part (ui.reports.edition_pdf)"))


def summary_text(ec: Any, lang: str) -> str:
    from models.edition_report import summary_rows

    head = msg(f"{ec.old.title('zh')} → {ec.new.title('zh')}",
               f"{ec.old.title('en')} → {ec.new.title('en')}").text(lang)
    lines = [head] + [f"  {k}: {v}" for k, v in summary_rows(ec.result, lang)]
    moved = ec.result.matrix.moved() / 1e6
    lines.append(msg(f"  分类变化面积：{moved:,.2f} km²", f"  area reclassified: {moved:,.2f} km²")
                 .text(lang))
    if ec.illustrative:
        lines.append(msg("示例数据：管控单元为演示生成，非官方成果",
                         "Illustrative data: the control units are not official").text(lang))
    return "\n".join(lines)
