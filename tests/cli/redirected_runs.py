"""Run every command with stdout and stderr redirected to files, as ``> out.txt 2> err.txt``.

``python -m tests.cli.redirected_runs OUT.json`` runs the golden cases of
:mod:`tests.cli.record_outputs` plus the commands that write files or open Qt (screenshot,
render, outfalls set/move, screen to HTML/PDF, a real import and its undo, every export
format), each with file descriptors 1 and 2 pointing at fresh files and ``sys.stdout`` /
``sys.stderr`` rebuilt the way Python builds them at start-up -- same encoding and error
handler as this process got from ``PYTHONIOENCODING`` (cp936 on Chinese Windows when
output is redirected).  It records the exit code and the bytes written.  One process for
all cases keeps the test quick; the start-up path itself is covered by a few real runs in
tests/cli/test_gbk_console.py.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from tests.cli.record_outputs import CASES, CORPUS_CSV, SITE

CODE = "PWK350503H0001"
ODD = "核查 ✓ ²³ • ½ 𠀀"  # outside GBK: ✓ ² ³ • ½ and a plane-2 character

EXTRA: dict[str, list[str]] = {
    "help": ["--help"],
    "help.import": ["import", "--help"],
    "screenshot.json": ["screenshot", "--out", "{tmp}/shot.png", "--size", "400x300",
                        "--json"],
    "render.json": ["render", "--out", "{tmp}/render.png", "--size", "300x200", "--json"],
    "outfalls.set.json": ["outfalls", "set", CODE, "--workspace", "{ws}", "--status", "已核查",
                          "--note", ODD, "--user", "张 三", "--json"],
    "outfalls.set.text": ["outfalls", "set", CODE, "--workspace", "{ws}", "--note", ODD,
                          "--lang", "en"],
    "outfalls.move.json": ["outfalls", "move", CODE, "118.6", "24.9", "--workspace", "{ws}",
                           "--json"],
    "outfalls.check.code": ["outfalls", "check", "--workspace", "{ws}", "--code", CODE],
    "screen.html": ["screen", SITE, "--out", "{tmp}/报告 一.html"],
    "screen.pdf.json": ["screen", SITE, "--out", "{tmp}/报告 二.pdf", "--json"],
    "screen.en": ["screen", SITE, "--lang", "en"],
    "import.real": ["import", "{csv}", "--workspace", "{ws}", "--as", "省会"],
    "import.undo.json": ["import", "--undo", "1", "--workspace", "{ws}", "--json"],
    "export.xlsx": ["export", "--workspace", "{ws}", "--layer", "outfalls",
                    "--out", "{tmp}/排污口.xlsx"],
    "export.shp.gbk": ["export", "--workspace", "{ws}", "--layer", "counties",
                       "--out", "{tmp}/县界.shp", "--encoding", "gbk"],
    "export.kml": ["export", "--workspace", "{ws}", "--layer", "bays", "--out", "{tmp}/海湾.kml"],
    "export.webmap.text": ["export", "--workspace", "{ws}", "--out", "{tmp}/一张图.html",
                           "--layers", "counties,bays"],
    "editions.text": ["editions", "--workspace", "{ws}"],
    "editions.json": ["editions", "--workspace", "{ws}", "--json", "--lang", "en"],
    "export.units": ["export", "--workspace", "{ws}", "--layer", "control_units",
                     "--out", "{tmp}/管控 单元.gpkg"],
    "compare.file": ["compare", "{tmp}/管控 单元.gpkg", "--workspace", "{ws}"],
    "compare.file.json": ["compare", "{tmp}/管控 单元.gpkg", "--workspace", "{ws}", "--json"],
    "compare.xlsx": ["compare", "{tmp}/管控 单元.gpkg", "--workspace", "{ws}", "--out",
                     "{tmp}/变化.xlsx"],
    "compare.unknown": ["compare", "不存在", "--workspace", "{ws}"],
    "stats.text": ["stats", "--workspace", "{ws}", "--county", "350582"],
    "stats.json": ["stats", "--workspace", "{ws}", "--json"],
    "stats.text.en": ["stats", "--workspace", "{ws}", "--lang", "en"],
    "stats.xlsx": ["stats", "--workspace", "{ws}", "--out", "{tmp}/统计 表.xlsx"],
    "stats.bad_county": ["stats", "--workspace", "{ws}", "--county", "999999"],
    "print.pdf": ["print", "--workspace", "{ws}", "--out", "{tmp}/专题图 A4.pdf", "--json"],
    "print.png": ["print", "--workspace", "{ws}", "--out", "{tmp}/专题图.png", "--dpi", "72",
                  "--title", "晋江市 ✓ m²"],
    "print.bad_paper": ["print", "--workspace", "{ws}", "--out", "{tmp}/x.pdf", "--paper", "B9"],
    "atlas.bays": ["atlas", "--workspace", "{ws}", "--by", "bay", "--out", "{tmp}/海湾 图集.pdf",
                   "--json"],
    "atlas.bad_filter": ["atlas", "--workspace", "{ws}", "--by", "unit", "--filter", "x==",
                         "--out", "{tmp}/y.pdf"],
    # no server here: a refused connection on a closed loopback port is one line, exit 2
    "server.init.refused": ["server", "init", "--db", "postgresql://nobody@127.0.0.1:9/none"],
    "checkout.refused": ["checkout", "--db", "postgresql://nobody@127.0.0.1:9/none",
                         "--out", "{tmp}/检出.gpkg"],
    "sync.not_a_checkout": ["sync", "--workspace", "{ws}", "--json"],
    "conflicts.not_a_checkout": ["conflicts", "--workspace", "{ws}"],
}


def all_cases() -> dict[str, list[str]]:
    return {**CASES, **EXTRA}


def _stream(fd: int, template: io.TextIOWrapper) -> io.TextIOWrapper:
    """A text stream on ``fd`` like the one Python made at start-up (``template``)."""
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=template.encoding,
                            errors=template.errors, line_buffering=template.line_buffering)


def run_redirected(argv: list[str], out: Path, err: Path) -> int:
    import app

    template_out, template_err = sys.__stdout__, sys.__stderr__
    saved_streams = sys.stdout, sys.stderr
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(out, "wb") as fo, open(err, "wb") as fe:
        os.dup2(fo.fileno(), 1)
        os.dup2(fe.fileno(), 2)
        sys.stdout, sys.stderr = _stream(1, template_out), _stream(2, template_err)
        try:
            try:
                code = int(app.main(argv))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception as exc:  # noqa: BLE001 - what the excepthook would print
                print(f"ecozone: unexpected error: {type(exc).__name__}: {exc}",
                      file=sys.stderr)
                code = 1
        finally:
            for s in (sys.stdout, sys.stderr):
                try:
                    s.flush()
                except Exception:  # noqa: BLE001 - an unencodable tail must not hide the result
                    pass
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            sys.stdout, sys.stderr = saved_streams
    return code


def main(argv: list[str]) -> int:
    from geodata import store

    tmp = Path(tempfile.mkdtemp(prefix="ecozone_redirected_"))
    try:
        os.environ["ECOZONE_HOME"] = str(tmp / "home")
        ws = tmp / "ws.gpkg"
        shutil.copyfile(store.bundled_path(), ws)
        (tmp / "bad.gpkg").write_text("hello", encoding="utf-8")
        subs = {"{ws}": str(ws), "{tmp}": str(tmp), "{csv}": str(CORPUS_CSV)}
        results: dict[str, dict[str, object]] = {
            "_startup": {"encoding": sys.__stdout__.encoding, "errors": sys.__stdout__.errors}}
        for name, case in all_cases().items():
            if "{csv}" in case and not CORPUS_CSV.exists():
                continue
            real = [a.replace("{ws}", subs["{ws}"]).replace("{tmp}", subs["{tmp}"])
                    .replace("{csv}", subs["{csv}"]) for a in case]
            out, err = tmp / f"{name}.out", tmp / f"{name}.err"
            code = run_redirected(real, out, err)
            raw = out.read_bytes()
            try:
                text: str | None = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            results[name] = {"argv": case, "exit": code, "stdout_utf8": text,
                             "stdout_bytes": len(raw),
                             "stderr": err.read_bytes().decode("utf-8", errors="replace")
                             .replace(str(tmp), "<TMP>")}
            if text is not None:
                results[name]["stdout_utf8"] = text.replace(str(tmp), "<TMP>")
        Path(argv[0]).write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
