"""``print`` and ``atlas``: the window's print layouts and atlas from the command line.

    python app.py print --out F.pdf|.png|.tif [--paper A3] [--orientation landscape]
                        [--dpi 300] [--bbox x0,y0,x1,y1] [--title T] [--lang en]
                        [--workspace W] [--layout NAME] [--save-layout NAME] …
    python app.py atlas --by unit|county|bay|protected_area|outfall
                        [--filter "county_code=350582"] --out F.pdf [--paper A4]
                        [--lang en] [--json] [--workspace W] [--split]

Same code as the window (:mod:`ui.printing`).  Qt is imported only when a command runs, so
``--help`` stays fast.  Bad input: exit 2 with one line on stderr in the user's language.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from cli.common import (
    UserError,
    cannot_write,
    command,
    common_options,
    lang_of,
    open_workspace,
    print_json,
)
from models.print_layout import ITEMS, ORIENTATIONS, PAPERS


def _common(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--paper", default=None, choices=tuple(PAPERS), help="A4 (default) … A0")
    p.add_argument("--orientation", default=None, choices=ORIENTATIONS,
                   help="landscape (default) or portrait")
    p.add_argument("--dpi", type=int, default=None,
                   help="resolution: of PNG/TIFF pixels, of map detail in a PDF (default 300)")
    p.add_argument("--title", default=None)


def add_parser(sub: Any) -> None:
    """Add ``print`` and ``atlas`` to the subcommands."""
    p = sub.add_parser("print", help="a print layout (专题图) to PDF, PNG or TIFF")
    p.add_argument("--out", type=Path, required=True, help=".pdf (vector), .png or .tif")
    p.add_argument("--bbox", default=None, help="map extent x0,y0,x1,y1 in lon/lat (CGCS2000); "
                                                "default: the whole city")
    p.add_argument("--feature", default=None,
                   help="map extent from a feature: LAYER:KEY, e.g. control_units:ZH35058220001")
    p.add_argument("--margin", type=float, default=None,
                   help="margin around --feature, a fraction of its size (default 0.1)")
    p.add_argument("--scale", type=float, default=None,
                   help="fixed scale denominator (1:N); default: fit the extent")
    p.add_argument("--subtitle", default=None)
    p.add_argument("--text", default=None, help="text for the page's text box")
    p.add_argument("--no", action="append", default=[], choices=ITEMS, metavar="ITEM",
                   help=f"leave an item off (repeatable): {', '.join(ITEMS)}")
    p.add_argument("--layout", default=None, help="start from the layout saved under NAME")
    p.add_argument("--save-layout", default=None, metavar="NAME",
                   help="also save the layout in the workspace under NAME")
    _common(p)
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("atlas", help="one page per feature (图集): PDF with cover and index")
    p.add_argument("--by", required=True, choices=("unit", "county", "bay", "protected_area",
                                                   "outfall"))
    p.add_argument("--filter", default="",
                   help='features to include, e.g. "county_code=350582 and unit_class=2"')
    p.add_argument("--out", type=Path, required=True,
                   help="the atlas .pdf (with --split: a folder for one PDF per feature)")
    p.add_argument("--split", action="store_true", help="one PDF per feature")
    _common(p)
    p.set_defaults(func=cmd_atlas)


def _layout_from_args(args: argparse.Namespace, ws: Any) -> Any:
    from models.print_layout import LayoutError, PrintLayout, load_layout, parse_bbox

    layout = load_layout(ws.path, args.layout) if args.layout else PrintLayout()
    for name in ("paper", "orientation", "dpi", "title", "subtitle", "text", "margin", "scale"):
        v = getattr(args, name, None)
        if v is not None:
            setattr(layout, name, v)
    if args.bbox:
        layout.extent, layout.bbox = "bbox", parse_bbox(args.bbox)
    if args.feature:
        layer, _, key = args.feature.partition(":")
        if not key:
            from geodata.messages import Message

            raise LayoutError(Message(f"--feature “{args.feature}”应写作 图层:编码",
                                      f"--feature '{args.feature}' must be LAYER:KEY"))
        layout.extent, layout.feature_layer, layout.feature_key = "feature", layer, key
    if args.text:
        layout.items["text_box"] = True
    for item in args.no:
        layout.items[item] = False
    if args.save_layout:
        layout.name = args.save_layout
    return layout.validate()


@command
def cmd_print(args: argparse.Namespace) -> int:
    from models.print_layout import LayoutError, save_layout

    lang = lang_of(args)
    t0 = time.perf_counter()
    ws = open_workspace(args)
    try:
        layout = _layout_from_args(args, ws)
        from ui.printing.export import export_layout
        from ui.printing.layout_page import PageContext

        res = export_layout(layout, PageContext.from_workspace(ws, lang=lang), args.out)
        if args.save_layout:
            save_layout(ws.path, layout)
            res["saved_layout"] = layout.name
    except LayoutError as exc:
        raise UserError(exc.message) from None
    except OSError as exc:
        raise cannot_write(args.out, exc) from None
    return _done(args, res, t0)


@command
def cmd_atlas(args: argparse.Namespace) -> int:
    from geodata.messages import Message
    from models.print_layout import LayoutError

    lang = lang_of(args)
    t0 = time.perf_counter()
    ws = open_workspace(args)
    try:
        from ui.printing.atlas_pages import AtlasSpec, run_atlas
        from ui.printing.layout_page import PageContext

        spec = AtlasSpec(by=args.by, filter=args.filter, paper=args.paper or "A4",
                         orientation=args.orientation or "landscape", dpi=args.dpi or 300,
                         title=args.title or "", split=args.split)
        if not 50 <= spec.dpi <= 1200:
            raise LayoutError(Message(f"分辨率 {spec.dpi} dpi 应在 50–1200 之间",
                                      f"--dpi {spec.dpi} must be between 50 and 1200"))
        res = run_atlas(PageContext.from_workspace(ws, lang=lang), ws.tables, spec, args.out)
    except LayoutError as exc:
        raise UserError(exc.message) from None
    except OSError as exc:
        raise cannot_write(args.out, exc) from None
    return _done(args, res, t0)


def _done(args: argparse.Namespace, res: dict[str, Any], t0: float) -> int:
    """What ``print`` and ``atlas`` say when done: the file, or the JSON with the time."""
    res["time_s"] = round(time.perf_counter() - t0, 3)
    if args.json:
        print_json(res)
    else:
        print(res["out"])
    return 0
