"""``info``: layers, feature counts, CRS, illustrative layers; ``query LON LAT``: what applies
at a point."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import (
    UserError,
    command,
    common_options,
    lang_of,
    open_workspace,
    parse_float,
    print_json,
)
from geodata.messages import Message


def add_parser(sub: Any) -> None:
    p = sub.add_parser("info", help="layers, feature counts, CRS, illustrative layers")
    common_options(p)
    p.set_defaults(func=command(run_info))

    p = sub.add_parser("query", help="what applies at a point (CGCS2000 lon lat)")
    p.add_argument("lon")
    p.add_argument("lat")
    p.add_argument("--radius", type=float, default=1000.0,
                   help="radius for nearby outfalls, metres (default 1000)")
    p.add_argument("--crs", default="cgcs2000", help="cgcs2000 (default), wgs84, gcj02, bd09")
    common_options(p)
    p.set_defaults(func=command(run_query))


def run_info(args: argparse.Namespace) -> int:
    from models.info import format_info, workspace_info

    info = workspace_info(open_workspace(args))
    if args.json:
        print_json(info)
    else:
        print(format_info(info, lang_of(args)))
    return 0


def run_query(args: argparse.Namespace) -> int:
    from geodata.chinese_crs import to_cgcs2000
    from models.query import what_applies
    from models.report_text import format_point_report

    lon = parse_float(args.lon, Message("经度", "longitude"), -180, 180)
    lat = parse_float(args.lat, Message("纬度", "latitude"), -90, 90)
    try:
        lon, lat = to_cgcs2000(lon, lat, args.crs)
    except ValueError as exc:
        raise UserError(Message(f"未知坐标系“{args.crs}”（可用 cgcs2000、wgs84、gcj02、bd09）",
                                str(exc))) from None
    if args.radius <= 0 or args.radius > 50_000:
        raise UserError(Message(f"--radius {args.radius} 须在 0 到 50000 米之间",
                                f"--radius {args.radius} must be between 0 and 50000 metres"))
    ws = open_workspace(args)
    rep = what_applies(ws, float(lon), float(lat), radius_m=args.radius)
    if args.json:
        print_json(rep.to_dict())
    else:
        print(format_point_report(rep, lang_of(args)))
    return 0
